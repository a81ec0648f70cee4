-- 現金残高減少 (rule cash_balance_drop, seed 001: Critical 前週比 −10 % 以上減少): the cash balance of
-- all bank accounts at the end of an ISO week (Sunday; the daily balances carry a day without a
-- report forward) compared with the previous week's end; fires when the change % is at or below
-- the threshold (−10). Only closed weeks: the daily balances stop at as_of_date, so a week whose
-- Sunday is later has no week-end balance yet.
with alert_rules as (
    select * from {{ ref('alert_rules') }}
),

fct_cash_balances_daily as (
    select * from {{ ref('fct_cash_balances_daily') }}
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
    where rule_id = 'cash_balance_drop' and is_enabled
),

daily_totals as (
    select
        balance_date,
        cast({{ dbt.date_trunc('week', 'balance_date') }} as date) as week_start,
        sum(balance_amount) as balance_amount
    from fct_cash_balances_daily
    group by balance_date
),

week_end_totals as (
    select
        week_start,
        balance_date as week_end_date,
        balance_amount
    from daily_totals
    where balance_date = {{ add_days('week_start', 6) }}
),

week_on_week as (
    select
        current_week.week_start,
        current_week.week_end_date,
        current_week.balance_amount,
        previous_week.balance_amount as previous_balance_amount,
        cast(round(cast({{ ratio('current_week.balance_amount - previous_week.balance_amount',
            'previous_week.balance_amount', 100) }} as double), 4) as decimal(18, 4)) as balance_change_pct
    from week_end_totals as current_week
    inner join week_end_totals as previous_week
        on current_week.week_end_date = {{ add_days('previous_week.week_end_date', 7) }}
),

observations as (
    select
        'company' as subject_type,
        'company' as subject_id,
        '全社 (全口座)' as subject_name,
        week_start,
        week_end_date,
        balance_amount,
        previous_balance_amount,
        balance_change_pct
    from week_on_week
    where balance_change_pct is not null
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
            when 'gte' then observations.balance_change_pct >= active_rule.threshold
            when 'gt' then observations.balance_change_pct > active_rule.threshold
            when 'lte' then observations.balance_change_pct <= active_rule.threshold
            when 'lt' then observations.balance_change_pct < active_rule.threshold
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
        'cash_balance_change_pct' as kpi_name,
        subject_type,
        subject_id,
        subject_name,
        'week' as period_grain,
        week_start as period_start,
        week_end_date as period_end_date,
        week_end_date as detected_date,
        balance_change_pct as observed_value,
        threshold as threshold_value,
        cast(balance_amount as decimal(18, 4)) as measured_value,
        cast(previous_balance_amount as decimal(18, 4)) as baseline_value,
        '現金残高(全口座)が前週比 '
        || case when balance_change_pct >= 0 then '+' else '' end
        || cast(cast(balance_change_pct as decimal(18, 1)) as {{ dbt.type_string() }})
        || '% ('
        || cast(cast(round(previous_balance_amount, 0) as bigint) as {{ dbt.type_string() }})
        || '円 → '
        || cast(cast(round(balance_amount, 0) as bigint) as {{ dbt.type_string() }})
        || '円)' as finding_ja
    from evaluated
    where is_fired
)

select * from final
