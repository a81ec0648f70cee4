-- Columns written by Jinja loops: layout (LT02) unchecked, see .sqlfluff.
-- noqa: disable=LT02
-- 経営ビュー (executive view, seed 000: KPI・傾向・回収率・損益影響) — one row per month for the company:
-- the receivable KPIs against their targets (fct_kpi_monthly), the month-on-month trend, the
-- collection rate, write-offs and their P&L impact, legal recoveries and costs, month-end cash, and
-- the alerts and exceptions of the month (fct_alerts_monthly). Read from the marts only, so the executive sees the same
-- numbers as the team and field views (seed 000: "1つの数字").
{%- set alert_counts = [
    'critical_alert_count', 'warning_alert_count', 'info_alert_count', 'exceptions_opened_count',
    'exceptions_unresolved_count',
] %}

with fct_kpi_monthly as (
    select * from {{ ref('fct_kpi_monthly') }}
),

fct_legal_monthly as (
    select * from {{ ref('fct_legal_monthly') }}
),

fct_cash_balances_monthly as (
    select * from {{ ref('fct_cash_balances_monthly') }}
),

fct_alerts_monthly as (
    select * from {{ ref('fct_alerts_monthly') }}
),

trend as (
    select
        fct_kpi_monthly.*,
        lag(fct_kpi_monthly.dso_days) over (order by fct_kpi_monthly.month_start) as previous_dso_days,
        lag(fct_kpi_monthly.ending_ar) over (order by fct_kpi_monthly.month_start) as previous_ending_ar
    from fct_kpi_monthly
),

legal_by_month as (
    select
        month_start,
        sum(recovered_amount) as legal_recovered_amount,
        sum(total_cost_amount) as legal_cost_amount
    from fct_legal_monthly
    group by month_start
),

cash_by_month as (
    select
        month_start,
        month_end_balance_amount,
        cash_improvement_pct
    from fct_cash_balances_monthly
    where is_all_accounts
),

company_alerts_by_month as (
    select * from fct_alerts_monthly
    where rollup_level = 'company'
),

final as (
    select
        trend.month_start,
        trend.period_end_date,
        trend.is_month_in_progress,
        trend.net_credit_sales,
        trend.collections,
        trend.write_offs,
        trend.ending_ar,
        trend.ending_overdue_ar,
        cast({{ pct(
            'trend.ending_ar - trend.previous_ending_ar',
            'trend.previous_ending_ar'
        ) }} as double) as ending_ar_change_pct,
        trend.dso_days,
        trend.dso_days_target,
        trend.dso_days_target_achievement_pct,
        round(trend.dso_days - trend.previous_dso_days, 2) as dso_change_days,
        trend.best_possible_dso_days,
        trend.average_days_delinquent,
        trend.cei_pct,
        trend.collection_efficiency_pct,
        trend.collection_efficiency_pct_target,
        trend.collection_efficiency_pct_target_achievement_pct,
        trend.uncollected_rate_pct,
        trend.overdue_ratio_pct,
        trend.overdue_ratio_pct_target,
        trend.overdue_ratio_pct_target_achievement_pct,
        trend.ar_turnover,
        trend.ar_turnover_target,
        trend.ar_turnover_target_achievement_pct,
        trend.write_off_ratio_pct,
        cast(trend.write_offs + coalesce(legal_by_month.legal_cost_amount, 0) as decimal(38, 2))
            as collection_pl_impact_amount,
        cast(coalesce(legal_by_month.legal_recovered_amount, 0) as decimal(38, 2)) as legal_recovered_amount,
        cast(coalesce(legal_by_month.legal_cost_amount, 0) as decimal(38, 2)) as legal_cost_amount,
        cash_by_month.month_end_balance_amount as month_end_cash_balance_amount,
        cash_by_month.cash_improvement_pct,
        {%- for count in alert_counts %}
        {{ count_or_zero('company_alerts_by_month.' ~ count) }} as {{ count }}{{ ',' if not loop.last }}
        {%- endfor %}
    from trend
    left join legal_by_month
        on trend.month_start = legal_by_month.month_start
    left join cash_by_month
        on trend.month_start = cash_by_month.month_start
    left join company_alerts_by_month
        on trend.month_start = company_alerts_by_month.month_start
)

select * from final
