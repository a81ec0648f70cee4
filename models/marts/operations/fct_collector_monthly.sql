-- 担当者別KPI (monthly) — one row per assignee and calendar month up to the as-of date: the weekly
-- mart's measures summed from the same daily parts (ISO weeks straddle months, so the month is not
-- a sum of weeks), the median lead time recomputed from the month's tasks, and seed document 004's
-- extra measures: calls and visits per working day (Monday to Friday of the period), legal filings
-- and judgments won and lost for legal staff.
with int_days_spanned as (
    select * from {{ ref('int_days_spanned') }}
),

int_assignee_days_summarised as (
    select * from {{ ref('int_assignee_days_summarised') }}
),

int_tasks_measured as (
    select * from {{ ref('int_tasks_measured') }}
),

stg_crm__assignees as (
    select * from {{ ref('stg_crm__assignees') }}
),

month_days as (
    select
        month_start,
        max(day_date) as period_end_date,
        sum(case when is_working_day then 1 else 0 end) as working_days_count
    from int_days_spanned
    group by month_start
),

-- Month arithmetic and day arithmetic in separate steps (DuckDB 2.0 equates 30 days and a month).
next_months as (
    select
        month_days.*,
        cast({{ dbt.dateadd('month', 1, 'month_days.month_start') }} as date) as next_month_start
    from month_days
),

months as (
    select
        month_start,
        {{ add_days('next_month_start', -1) }} as month_end_date,
        period_end_date,
        working_days_count
    from next_months
),

assignee_ids as (
    select assignee_id from stg_crm__assignees
    union
    select assignee_id from int_assignee_days_summarised
),

grid as (
    select
        assignee_ids.assignee_id,
        months.month_start,
        months.month_end_date,
        months.period_end_date,
        months.period_end_date < months.month_end_date as is_month_in_progress,
        months.working_days_count
    from assignee_ids
    cross join months
),

monthly_parts as (
    select
        int_assignee_days_summarised.assignee_id,
        int_days_spanned.month_start,
        {{ sum_assignee_parts('int_assignee_days_summarised', with_legal=true) }}
    from int_assignee_days_summarised
    inner join int_days_spanned on int_assignee_days_summarised.part_date = int_days_spanned.day_date
    group by int_assignee_days_summarised.assignee_id, int_days_spanned.month_start
),

-- The median is recomputed from the tasks at this grain: medians do not add up.
monthly_lead_time_medians as (
    select
        int_tasks_measured.assignee_id,
        int_days_spanned.month_start,
        percentile_cont(0.5) within group (order by int_tasks_measured.lead_time_hours) as lead_time_hours_median
    from int_tasks_measured
    inner join int_days_spanned on int_tasks_measured.completed_date = int_days_spanned.day_date
    where int_tasks_measured.is_completed
    group by int_tasks_measured.assignee_id, int_days_spanned.month_start
),

measured as (
    select
        grid.assignee_id,
        grid.month_start,
        grid.month_end_date,
        grid.period_end_date,
        grid.is_month_in_progress,
        grid.working_days_count,
        coalesce(monthly_parts.tasks_completed_count, 0) as tasks_completed_count,
        coalesce(monthly_parts.activity_count, 0) as activity_count,
        coalesce(monthly_parts.call_count, 0) as call_count,
        coalesce(monthly_parts.email_count, 0) as email_count,
        coalesce(monthly_parts.letter_count, 0) as letter_count,
        coalesce(monthly_parts.visit_count, 0) as visit_count,
        coalesce(monthly_parts.sms_count, 0) as sms_count,
        coalesce(monthly_parts.portal_count, 0) as portal_count,
        coalesce(monthly_parts.other_count, 0) as other_count,
        coalesce(monthly_parts.automated_activity_count, 0) as automated_activity_count,
        coalesce(monthly_parts.lead_time_hours_sum, 0) as lead_time_hours_sum,
        monthly_lead_time_medians.lead_time_hours_median,
        coalesce(monthly_parts.tasks_due_count, 0) as tasks_due_count,
        coalesce(monthly_parts.tasks_sla_breached_count, 0) as tasks_sla_breached_count,
        -- 滞留件数: tasks created (not cancelled) minus tasks completed, up to the end of the month.
        sum(coalesce(monthly_parts.tasks_created_count, 0) - coalesce(monthly_parts.tasks_completed_count, 0)) over (
            partition by grid.assignee_id order by grid.month_start rows between unbounded preceding and current row
        ) as backlog_count,
        coalesce(monthly_parts.reopened_task_count, 0) as reopened_task_count,
        coalesce(monthly_parts.first_contact_resolved_count, 0) as first_contact_resolved_count,
        coalesce(monthly_parts.promises_due_count, 0) as promises_due_count,
        coalesce(monthly_parts.promises_kept_count, 0) as promises_kept_count,
        coalesce(monthly_parts.collected_amount, 0) as collected_amount,
        coalesce(monthly_parts.legal_filings_count, 0) as legal_filings_count,
        coalesce(monthly_parts.judgments_won_count, 0) as judgments_won_count,
        coalesce(monthly_parts.judgments_lost_count, 0) as judgments_lost_count
    from grid
    left join monthly_parts
        on grid.assignee_id = monthly_parts.assignee_id and grid.month_start = monthly_parts.month_start
    left join monthly_lead_time_medians
        on grid.assignee_id = monthly_lead_time_medians.assignee_id
        and grid.month_start = monthly_lead_time_medians.month_start
),

final as (
    select
        measured.assignee_id,
        measured.month_start,
        measured.month_end_date,
        measured.period_end_date,
        measured.is_month_in_progress,
        stg_crm__assignees.assignee_name,
        coalesce(stg_crm__assignees.team, '(unknown)') as team,
        stg_crm__assignees.role,
        cast(measured.tasks_completed_count as bigint) as tasks_completed_count,
        cast(measured.activity_count as bigint) as activity_count,
        cast(measured.call_count as bigint) as call_count,
        cast(measured.email_count as bigint) as email_count,
        cast(measured.letter_count as bigint) as letter_count,
        cast(measured.visit_count as bigint) as visit_count,
        cast(measured.sms_count as bigint) as sms_count,
        cast(measured.portal_count as bigint) as portal_count,
        cast(measured.other_count as bigint) as other_count,
        cast(measured.automated_activity_count as bigint) as automated_activity_count,
        cast(measured.lead_time_hours_sum as double) as lead_time_hours_sum,
        round(cast({{ ratio('measured.lead_time_hours_sum', 'measured.tasks_completed_count') }} as double), 2)
            as lead_time_hours_mean,
        round(cast(measured.lead_time_hours_median as double), 2) as lead_time_hours_median,
        cast(measured.tasks_due_count as bigint) as tasks_due_count,
        cast(measured.tasks_sla_breached_count as bigint) as tasks_sla_breached_count,
        round(cast({{ ratio('measured.tasks_sla_breached_count', 'measured.tasks_due_count', 100) }} as double), 2)
            as sla_breach_pct,
        cast(measured.backlog_count as bigint) as backlog_count,
        cast(measured.reopened_task_count as bigint) as reopened_task_count,
        round(cast({{ ratio('measured.reopened_task_count', 'measured.tasks_completed_count', 100) }} as double), 2)
            as recurrence_pct,
        cast(measured.first_contact_resolved_count as bigint) as first_contact_resolved_count,
        round(
            cast({{ ratio('measured.first_contact_resolved_count', 'measured.tasks_completed_count', 100) }} as double),
            2
        ) as first_contact_resolution_pct,
        cast(measured.promises_due_count as bigint) as promises_due_count,
        cast(measured.promises_kept_count as bigint) as promises_kept_count,
        round(cast({{ ratio('measured.promises_kept_count', 'measured.promises_due_count', 100) }} as double), 2)
            as promise_kept_pct,
        cast(measured.collected_amount as decimal(38, 2)) as collected_amount,
        cast(measured.working_days_count as bigint) as working_days_count,
        round(cast({{ ratio('measured.call_count', 'measured.working_days_count') }} as double), 2)
            as calls_per_working_day,
        round(cast({{ ratio('measured.visit_count', 'measured.working_days_count') }} as double), 2)
            as visits_per_working_day,
        cast(measured.legal_filings_count as bigint) as legal_filings_count,
        cast(measured.judgments_won_count as bigint) as judgments_won_count,
        cast(measured.judgments_lost_count as bigint) as judgments_lost_count,
        round(
            cast({{ ratio('measured.judgments_won_count', 'measured.judgments_won_count + measured.judgments_lost_count', 100) }}
                as double),
            2
        ) as judgments_won_pct
    from measured
    left join stg_crm__assignees on measured.assignee_id = stg_crm__assignees.assignee_id
)

select * from final
