-- 担当者別KPI (weekly) — one row per assignee and ISO week (Monday start) up to the as-of date:
-- what each collector handled, how (activities by channel), how fast (lead time), how reliably
-- (SLA breaches, backlog, recurrence, first-contact resolution, promises kept) and what was
-- collected on the accounts they own (kpis.md, people and process; seed document 000). Every ratio
-- is stored with its additive parts; a roll-up sums the parts and divides last.
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

weeks as (
    select
        week_start,
        {{ add_days('week_start', 6) }} as week_end_date,
        max(day_date) as period_end_date
    from int_days_spanned
    group by week_start
),

assignee_ids as (
    select assignee_id from stg_crm__assignees
    union
    select assignee_id from int_assignee_days_summarised
),

grid as (
    select
        assignee_ids.assignee_id,
        weeks.week_start,
        weeks.week_end_date,
        weeks.period_end_date,
        weeks.period_end_date < weeks.week_end_date as is_week_in_progress
    from assignee_ids
    cross join weeks
),

weekly_parts as (
    select
        int_assignee_days_summarised.assignee_id,
        int_days_spanned.week_start,
        {{ sum_assignee_parts('int_assignee_days_summarised') }}
    from int_assignee_days_summarised
    inner join int_days_spanned on int_assignee_days_summarised.part_date = int_days_spanned.day_date
    group by int_assignee_days_summarised.assignee_id, int_days_spanned.week_start
),

-- The median is recomputed from the tasks at this grain: medians do not add up.
weekly_lead_time_medians as (
    select
        int_tasks_measured.assignee_id,
        int_days_spanned.week_start,
        percentile_cont(0.5) within group (order by int_tasks_measured.lead_time_hours) as lead_time_hours_median
    from int_tasks_measured
    inner join int_days_spanned on int_tasks_measured.completed_date = int_days_spanned.day_date
    where int_tasks_measured.is_completed
    group by int_tasks_measured.assignee_id, int_days_spanned.week_start
),

measured as (
    select
        grid.assignee_id,
        grid.week_start,
        grid.week_end_date,
        grid.period_end_date,
        grid.is_week_in_progress,
        coalesce(weekly_parts.tasks_completed_count, 0) as tasks_completed_count,
        coalesce(weekly_parts.activity_count, 0) as activity_count,
        coalesce(weekly_parts.call_count, 0) as call_count,
        coalesce(weekly_parts.email_count, 0) as email_count,
        coalesce(weekly_parts.letter_count, 0) as letter_count,
        coalesce(weekly_parts.visit_count, 0) as visit_count,
        coalesce(weekly_parts.sms_count, 0) as sms_count,
        coalesce(weekly_parts.portal_count, 0) as portal_count,
        coalesce(weekly_parts.other_count, 0) as other_count,
        coalesce(weekly_parts.automated_activity_count, 0) as automated_activity_count,
        coalesce(weekly_parts.lead_time_hours_sum, 0) as lead_time_hours_sum,
        weekly_lead_time_medians.lead_time_hours_median,
        coalesce(weekly_parts.tasks_due_count, 0) as tasks_due_count,
        coalesce(weekly_parts.tasks_sla_breached_count, 0) as tasks_sla_breached_count,
        -- 滞留件数: tasks created (not cancelled) minus tasks completed, up to the end of the week.
        sum(coalesce(weekly_parts.tasks_created_count, 0) - coalesce(weekly_parts.tasks_completed_count, 0)) over (
            partition by grid.assignee_id order by grid.week_start rows between unbounded preceding and current row
        ) as backlog_count,
        coalesce(weekly_parts.reopened_task_count, 0) as reopened_task_count,
        coalesce(weekly_parts.first_contact_resolved_count, 0) as first_contact_resolved_count,
        coalesce(weekly_parts.promises_due_count, 0) as promises_due_count,
        coalesce(weekly_parts.promises_kept_count, 0) as promises_kept_count,
        coalesce(weekly_parts.collected_amount, 0) as collected_amount
    from grid
    left join weekly_parts
        on grid.assignee_id = weekly_parts.assignee_id and grid.week_start = weekly_parts.week_start
    left join weekly_lead_time_medians
        on grid.assignee_id = weekly_lead_time_medians.assignee_id
        and grid.week_start = weekly_lead_time_medians.week_start
),

final as (
    select
        measured.assignee_id,
        measured.week_start,
        measured.week_end_date,
        measured.period_end_date,
        measured.is_week_in_progress,
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
        cast(measured.collected_amount as decimal(38, 2)) as collected_amount
    from measured
    left join stg_crm__assignees on measured.assignee_id = stg_crm__assignees.assignee_id
)

select * from final
