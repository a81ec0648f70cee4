-- 目標達成 (rule target_met, seed 001: Info 目標達成): a targeted KPI of the company whose target
-- achievement % reaches the threshold (100 %) in a closed month. One alert per KPI and month; by
-- default it opens no exception (alert_rules.opens_exception).
with alert_rules as (
    select * from {{ ref('alert_rules') }}
),

int_kpi_target_achievements_unpivoted as (
    select * from {{ ref('int_kpi_target_achievements_unpivoted') }}
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
    where rule_id = 'target_met' and is_enabled
),

observations as (
    select
        'company' as subject_type,
        'company' as subject_id,
        '全社' as subject_name,
        month_start,
        period_end_date,
        kpi_name,
        kpi_name_ja,
        kpi_value,
        target_value,
        cast(round(target_achievement_pct, 4) as decimal(18, 4)) as target_achievement_pct
    from int_kpi_target_achievements_unpivoted
),

evaluated as (
    select
        observations.*,
        active_rule.rule_id,
        active_rule.rule_name_ja,
        active_rule.severity,
        active_rule.opens_exception,
        active_rule.threshold,
        case active_rule.comparison
            when 'gte' then observations.target_achievement_pct >= active_rule.threshold
            when 'gt' then observations.target_achievement_pct > active_rule.threshold
            when 'lte' then observations.target_achievement_pct <= active_rule.threshold
            when 'lt' then observations.target_achievement_pct < active_rule.threshold
        end as is_fired
    from observations
    inner join active_rule
        on (';' || active_rule.subject_types || ';') like ('%;' || observations.subject_type || ';%')
),

final as (
    select
        rule_id,
        rule_name_ja,
        severity,
        opens_exception,
        kpi_name,
        subject_type,
        subject_id,
        subject_name,
        'month' as period_grain,
        month_start as period_start,
        period_end_date,
        period_end_date as detected_date,
        target_achievement_pct as observed_value,
        threshold as threshold_value,
        cast(kpi_value as decimal(18, 4)) as measured_value,
        cast(target_value as decimal(18, 4)) as baseline_value,
        kpi_name_ja
        || ' 目標達成: 実績 '
        || cast(cast(kpi_value as decimal(18, 2)) as {{ dbt.type_string() }})
        || ' / 目標 '
        || cast(cast(target_value as decimal(18, 2)) as {{ dbt.type_string() }})
        || ' (達成率 '
        || cast(cast(target_achievement_pct as decimal(18, 1)) as {{ dbt.type_string() }})
        || '%)' as finding_ja
    from evaluated
    where is_fired
)

select * from final
