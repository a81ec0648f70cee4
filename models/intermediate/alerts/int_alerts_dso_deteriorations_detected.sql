-- DSO悪化 (rule dso_deterioration, seed 000): DSO up by at least the threshold in days on the
-- previous month, for the company and each owner team. Closed months only, so an alert does not
-- come and go while a month is still running; a month without a DSO (no sales) does not compare.
with alert_rules as (
    select * from {{ ref('alert_rules') }}
),

fct_kpi_monthly as (
    select * from {{ ref('fct_kpi_monthly') }}
),

fct_kpi_team_monthly as (
    select * from {{ ref('fct_kpi_team_monthly') }}
),

active_rule as (
    select
        rule_id,
        rule_name_ja,
        severity,
        opens_exception,
        threshold,
        comparison,
        subject_types
    from alert_rules
    where rule_id = 'dso_deterioration' and is_enabled
),

company_dso as (
    select
        'company' as subject_type,
        'company' as subject_id,
        '全社' as subject_name,
        month_start,
        period_end_date,
        is_month_in_progress,
        dso_days
    from fct_kpi_monthly
),

team_dso as (
    select
        'team' as subject_type,
        owner_team as subject_id,
        owner_team as subject_name,
        month_start,
        period_end_date,
        is_month_in_progress,
        dso_days
    from fct_kpi_team_monthly
),

subject_dso as (
    select * from company_dso
    union all
    select * from team_dso
),

month_on_month as (
    select
        current_month.subject_type,
        current_month.subject_id,
        current_month.subject_name,
        current_month.month_start,
        current_month.period_end_date,
        current_month.dso_days,
        previous_month.dso_days as previous_dso_days,
        cast(round(cast(current_month.dso_days - previous_month.dso_days as double), 4) as decimal(18, 4))
            as dso_change_days
    from subject_dso as current_month
    inner join subject_dso as previous_month
        on
            current_month.subject_type = previous_month.subject_type
            and current_month.subject_id = previous_month.subject_id
            and current_month.month_start
            = cast({{ dbt.dateadd('month', 1, 'previous_month.month_start') }} as date)
    where
        not current_month.is_month_in_progress
        and current_month.dso_days is not null
        and previous_month.dso_days is not null
),

evaluated as (
    select
        month_on_month.*,
        active_rule.rule_id,
        active_rule.rule_name_ja,
        active_rule.severity,
        active_rule.opens_exception,
        active_rule.threshold,
        case active_rule.comparison
            when 'gte' then month_on_month.dso_change_days >= active_rule.threshold
            when 'gt' then month_on_month.dso_change_days > active_rule.threshold
            when 'lte' then month_on_month.dso_change_days <= active_rule.threshold
            when 'lt' then month_on_month.dso_change_days < active_rule.threshold
        end as is_fired
    from month_on_month
    inner join active_rule
        on (';' || active_rule.subject_types || ';') like ('%;' || month_on_month.subject_type || ';%')
),

final as (
    select
        rule_id,
        rule_name_ja,
        severity,
        opens_exception,
        'dso_days' as kpi_name,
        subject_type,
        subject_id,
        subject_name,
        'month' as period_grain,
        month_start as period_start,
        period_end_date,
        period_end_date as detected_date,
        dso_change_days as observed_value,
        threshold as threshold_value,
        cast(dso_days as decimal(18, 4)) as measured_value,
        cast(previous_dso_days as decimal(18, 4)) as baseline_value,
        'DSOが前月比 '
        || case when dso_change_days >= 0 then '+' else '' end
        || cast(cast(dso_change_days as decimal(18, 1)) as {{ dbt.type_string() }})
        || '日 悪化 ('
        || cast(cast(dso_days as decimal(18, 1)) as {{ dbt.type_string() }})
        || '日)' as finding_ja
    from evaluated
    where is_fired
)

select * from final
