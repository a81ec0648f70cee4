-- 月次部門別レポート (seed 000: 部門別レポート＋改善アクションの実施率): the one row of headline figures for
-- the report month: the company DSO against its target, the exceptions detected in the month (opened,
-- acted on, resolved, 実施率 = resolved / opened × 100), the exceptions still unresolved at month end,
-- and the month's status changes (exception_status_history).
with rpt_report_periods as (
    select * from {{ ref('rpt_report_periods') }}
),

fct_kpi_monthly as (
    select * from {{ ref('fct_kpi_monthly') }}
),

exception_ledger as (
    select * from {{ ref('exception_ledger') }}
),

exception_status_history as (
    select * from {{ ref('exception_status_history') }}
),

opened as (
    select
        count(*) as opened_count,
        sum(case when exception_ledger.status in ('acknowledged', 'resolved') then 1 else 0 end) as acted_on_count,
        sum(case when exception_ledger.status = 'resolved' then 1 else 0 end) as resolved_count,
        sum(case when exception_ledger.is_recurrence then 1 else 0 end) as recurrence_count
    from exception_ledger
    inner join rpt_report_periods
        on
            exception_ledger.detected_date >= rpt_report_periods.report_month_start
            and exception_ledger.detected_date < rpt_report_periods.next_month_start
),

backlog as (
    select count(*) as open_exception_count
    from exception_ledger
    inner join rpt_report_periods
        on
            exception_ledger.opened_at < rpt_report_periods.next_month_start
            and (
                exception_ledger.resolved_at is null
                or exception_ledger.resolved_at >= rpt_report_periods.next_month_start
            )
),

status_changes as (
    select
        sum(case when exception_status_history.status = 'open' then 1 else 0 end) as opened_change_count,
        sum(case when exception_status_history.status = 'acknowledged' then 1 else 0 end)
            as acknowledged_change_count,
        sum(case when exception_status_history.status = 'resolved' then 1 else 0 end) as resolved_change_count
    from exception_status_history
    inner join rpt_report_periods
        on
            exception_status_history.changed_at >= rpt_report_periods.report_month_start
            and exception_status_history.changed_at < rpt_report_periods.next_month_start
),

final as (
    select
        rpt_report_periods.report_month_start as month_start,
        fct_kpi_monthly.dso_days,
        fct_kpi_monthly.dso_days_target,
        cast(opened.opened_count as {{ dbt.type_bigint() }}) as exceptions_opened_count,
        cast(coalesce(opened.acted_on_count, 0) as {{ dbt.type_bigint() }}) as exceptions_acted_on_count,
        cast(coalesce(opened.resolved_count, 0) as {{ dbt.type_bigint() }}) as exceptions_resolved_count,
        cast(coalesce(opened.recurrence_count, 0) as {{ dbt.type_bigint() }}) as exceptions_recurrence_count,
        {{ ratio('opened.acted_on_count', 'opened.opened_count', 100) }} as exceptions_acted_on_pct,
        {{ ratio('opened.resolved_count', 'opened.opened_count', 100) }} as action_completion_pct,
        cast(backlog.open_exception_count as {{ dbt.type_bigint() }}) as open_exception_backlog_count,
        cast(coalesce(status_changes.opened_change_count, 0) as {{ dbt.type_bigint() }}) as opened_change_count,
        cast(coalesce(status_changes.acknowledged_change_count, 0) as {{ dbt.type_bigint() }})
            as acknowledged_change_count,
        cast(coalesce(status_changes.resolved_change_count, 0) as {{ dbt.type_bigint() }}) as resolved_change_count
    from rpt_report_periods
    left join fct_kpi_monthly
        on rpt_report_periods.report_month_start = fct_kpi_monthly.month_start
    cross join opened
    cross join backlog
    cross join status_changes
)

select * from final
