-- 月次部門別レポート: one row per team for the report month (rpt_management_team_progress): receivable
-- KPIs of the customers it owns, process KPIs, error rates by category, the exceptions about it,
-- and the DSO change on the month before. Teams are ordered by ending AR, then tasks handled.
with rpt_report_periods as (
    select * from {{ ref('rpt_report_periods') }}
),

rpt_management_team_progress as (
    select * from {{ ref('rpt_management_team_progress') }}
),

this_month as (
    select rpt_management_team_progress.*
    from rpt_management_team_progress
    inner join rpt_report_periods
        on rpt_management_team_progress.month_start = rpt_report_periods.report_month_start
),

previous_month as (
    select
        rpt_management_team_progress.team,
        rpt_management_team_progress.dso_days
    from rpt_management_team_progress
    inner join rpt_report_periods
        on rpt_management_team_progress.month_start = rpt_report_periods.previous_month_start
),

final as (
    select
        this_month.team,
        this_month.month_start,
        cast(row_number() over (
            order by
                this_month.ending_ar desc nulls last,
                this_month.tasks_completed_count desc nulls last,
                this_month.team
        ) as {{ dbt.type_int() }}) as team_order,
        this_month.ending_ar is not null as has_receivables,
        this_month.ending_ar,
        this_month.dso_days,
        previous_month.dso_days as previous_month_dso_days,
        this_month.dso_days - previous_month.dso_days as dso_change_days,
        this_month.overdue_ratio_pct,
        this_month.cei_pct,
        this_month.collected_amount,
        this_month.assignee_count,
        this_month.tasks_completed_count,
        this_month.sla_breach_pct,
        this_month.backlog_count,
        this_month.lead_time_hours_median,
        this_month.recurrence_pct,
        this_month.first_contact_resolution_pct,
        this_month.promise_kept_pct,
        this_month.matching_error_count,
        this_month.matching_items_processed_count,
        this_month.matching_error_rate_pct,
        this_month.input_error_count,
        this_month.input_items_processed_count,
        this_month.input_error_rate_pct,
        this_month.processing_error_count,
        this_month.processing_items_processed_count,
        this_month.processing_error_rate_pct,
        this_month.exceptions_opened_count,
        cast(
            this_month.exceptions_opened_count - this_month.exceptions_unresolved_count
            as {{ dbt.type_bigint() }}
        ) as exceptions_resolved_count
    from this_month
    left join previous_month
        on this_month.team = previous_month.team
)

select * from final
