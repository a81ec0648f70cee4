-- 現金残高減少 (rule cash_balance_drop, seed 001: Critical 前週比 −10 % 以上減少): the cash balance of
-- all bank accounts at the end of an ISO week (Sunday; the daily balances carry a day without a
-- report forward) compared with the previous week's end; fires when the change % is at or below
-- the threshold (−10). Only closed weeks: the daily balances stop at as_of_date, so a week whose
-- Sunday is later has no week-end balance yet.
with {{ alert_rule_inputs('cash_balance_drop', ['fct_cash_balances_daily']) }},

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
        {{ change_pct('current_week.balance_amount', 'previous_week.balance_amount') }} as balance_change_pct
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

{% call fired_alerts(
    'observations',
    value_column='balance_change_pct',
    kpi_name="'cash_balance_change_pct'",
    period_grain='week',
    measured_value='balance_amount',
    baseline_value='previous_balance_amount',
) -%}
        '現金残高(全口座)が前週比 '
        || {{ number_text('balance_change_pct', signed=true) }}
        || '% ('
        || {{ yen_text('previous_balance_amount') }}
        || '円 → '
        || {{ yen_text('balance_amount') }}
        || '円)'
{%- endcall %}

select * from final
