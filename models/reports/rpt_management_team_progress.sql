-- Columns written by Jinja loops: layout (LT02) unchecked, see .sqlfluff.
-- noqa: disable=LT02
-- 管理ビュー (management view, seed 000: チーム別進捗・エラー率・タスク遅延) — one row per team and month:
-- the team's receivable KPIs (customers it owns, fct_kpi_team_monthly), its people and process KPIs
-- (fct_team_monthly: handled, SLA breaches, backlog, lead time, recurrence, first-contact resolution,
-- promises kept), its error rates by category (fct_error_rates, pivoted, ratio of sums) and the alerts
-- and exceptions about the team, its collectors and its customers. Ratios are carried with their
-- parts, so a roll-up over teams sums the parts and divides last.
with fct_kpi_team_monthly as (
    select * from {{ ref('fct_kpi_team_monthly') }}
),

fct_team_monthly as (
    select * from {{ ref('fct_team_monthly') }}
),

fct_error_rates as (
    select * from {{ ref('fct_error_rates') }}
),

fct_kpi_monthly as (
    select * from {{ ref('fct_kpi_monthly') }}
),

fct_alerts_monthly as (
    select * from {{ ref('fct_alerts_monthly') }}
),

team_months as (
    select owner_team as team, month_start from fct_kpi_team_monthly
    union
    select team, month_start from fct_team_monthly
    union
    select team, month_start from fct_error_rates
),

error_rates_pivoted as (
    select
        team,
        month_start,
        {%- for category in ['matching', 'input', 'processing'] %}
        sum(case when error_category = '{{ category }}' then error_count else 0 end) as {{ category }}_error_count,
        sum(case when error_category = '{{ category }}' then items_processed_count else 0 end)
            as {{ category }}_items_processed_count{{ ',' if not loop.last }}
        {%- endfor %}
    from fct_error_rates
    group by team, month_start
),

-- The alerts a team answers for (its own, its collectors' and its customers') and their exceptions.
team_alerts_by_month as (
    select * from fct_alerts_monthly
    where rollup_level = 'team'
),

final as (
    select
        team_months.team,
        team_months.month_start,
        fct_kpi_monthly.period_end_date,
        fct_kpi_monthly.is_month_in_progress,
        fct_kpi_team_monthly.ending_ar,
        fct_kpi_team_monthly.ending_overdue_ar,
        fct_kpi_team_monthly.net_credit_sales,
        fct_kpi_team_monthly.collections,
        fct_kpi_team_monthly.dso_days,
        fct_kpi_team_monthly.cei_pct,
        fct_kpi_team_monthly.collection_efficiency_pct,
        fct_kpi_team_monthly.overdue_ratio_pct,
        fct_team_monthly.assignee_count,
        fct_team_monthly.tasks_completed_count,
        fct_team_monthly.activity_count,
        fct_team_monthly.tasks_due_count,
        fct_team_monthly.tasks_sla_breached_count,
        fct_team_monthly.sla_breach_pct,
        fct_team_monthly.backlog_count,
        fct_team_monthly.lead_time_hours_mean,
        fct_team_monthly.lead_time_hours_median,
        fct_team_monthly.reopened_task_count,
        fct_team_monthly.recurrence_pct,
        fct_team_monthly.first_contact_resolved_count,
        fct_team_monthly.first_contact_resolution_pct,
        fct_team_monthly.promises_due_count,
        fct_team_monthly.promises_kept_count,
        fct_team_monthly.promise_kept_pct,
        fct_team_monthly.collected_amount,
        {%- for category in ['matching', 'input', 'processing'] %}
        cast(coalesce(error_rates_pivoted.{{ category }}_error_count, 0) as {{ dbt.type_bigint() }})
            as {{ category }}_error_count,
        cast(coalesce(error_rates_pivoted.{{ category }}_items_processed_count, 0) as {{ dbt.type_bigint() }})
            as {{ category }}_items_processed_count,
        {{ pct(
            'error_rates_pivoted.' ~ category ~ '_error_count',
            'error_rates_pivoted.' ~ category ~ '_items_processed_count'
        ) }}
            as {{ category }}_error_rate_pct,
        {%- endfor %}
        {%- set counts = [
            'alert_count', 'critical_alert_count', 'exceptions_opened_count', 'exceptions_unresolved_count'
        ] %}
        {%- for count in counts %}
        {{ count_or_zero('team_alerts_by_month.' ~ count) }} as {{ count }}{{ ',' if not loop.last }}
        {%- endfor %}
    from team_months
    left join fct_kpi_monthly
        on team_months.month_start = fct_kpi_monthly.month_start
    left join fct_kpi_team_monthly
        on team_months.team = fct_kpi_team_monthly.owner_team
        and team_months.month_start = fct_kpi_team_monthly.month_start
    left join fct_team_monthly
        on team_months.team = fct_team_monthly.team and team_months.month_start = fct_team_monthly.month_start
    left join error_rates_pivoted
        on team_months.team = error_rates_pivoted.team and team_months.month_start = error_rates_pivoted.month_start
    left join team_alerts_by_month
        on team_months.team = team_alerts_by_month.team
        and team_months.month_start = team_alerts_by_month.month_start
)

select * from final
