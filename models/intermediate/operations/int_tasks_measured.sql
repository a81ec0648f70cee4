-- One row per CRM task created by the end of the as-of date, as it stood then, with what the people
-- KPIs measure on it (kpis.md, people and process): completion and lead time, SLA due and breach,
-- recurrence (再発) and first-contact resolution (一次対応完結). A completion after the as-of date
-- is not known yet: the task counts as open. Cancelled tasks carry no time of cancellation, so
-- they are never completed, due, breached or in a backlog.
with stg_crm__tasks as (
    select * from {{ ref('stg_crm__tasks') }}
),

stg_crm__assignees as (
    select * from {{ ref('stg_crm__assignees') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

cutoffs as (
    select
        as_of_date,
        cast({{ add_days('as_of_date', 1) }} as timestamp) as as_of_cutoff_at
    from int_reporting_dates
),

known_tasks as (
    select
        stg_crm__tasks.task_id,
        stg_crm__tasks.assignee_id,
        stg_crm__tasks.task_type,
        stg_crm__tasks.task_status,
        stg_crm__tasks.error_category,
        stg_crm__tasks.crm_account_id,
        stg_crm__tasks.invoice_id,
        stg_crm__tasks.reopened_from_task_id,
        stg_crm__tasks.created_at,
        stg_crm__tasks.sla_due_at,
        case
            when
                stg_crm__tasks.task_status <> 'cancelled'
                and stg_crm__tasks.completed_at < cutoffs.as_of_cutoff_at
                then stg_crm__tasks.completed_at
        end as completed_at,
        stg_crm__tasks.task_status = 'cancelled' as is_cancelled,
        coalesce(stg_crm__tasks.is_resolved_on_first_contact, false) as is_resolved_on_first_contact,
        cutoffs.as_of_cutoff_at
    from stg_crm__tasks
    cross join cutoffs
    where stg_crm__tasks.created_at < cutoffs.as_of_cutoff_at
),

-- Due: the SLA deadline has passed by the end of the as-of date. Breached: completed after the
-- deadline, or not completed by the end of the as-of date.
measured as (
    select
        known_tasks.*,
        known_tasks.completed_at is not null as is_completed,
        cast({{ dbt.datediff('known_tasks.created_at', 'known_tasks.completed_at', 'second') }} as double)  -- noqa: LT05
        / 3600 as lead_time_hours,
        not known_tasks.is_cancelled
        and known_tasks.sla_due_at is not null
        and known_tasks.sla_due_at < known_tasks.as_of_cutoff_at as is_sla_due
    from known_tasks
),

final as (
    select
        measured.task_id,
        measured.assignee_id,
        stg_crm__assignees.team,
        measured.task_type,
        measured.task_status,
        measured.error_category,
        measured.crm_account_id,
        measured.invoice_id,
        measured.reopened_from_task_id,
        measured.created_at,
        cast(measured.created_at as date) as created_date,
        measured.sla_due_at,
        cast(measured.sla_due_at as date) as sla_due_date,
        measured.completed_at,
        cast(measured.completed_at as date) as completed_date,
        measured.is_cancelled,
        measured.is_completed,
        cast(measured.lead_time_hours as double) as lead_time_hours,
        measured.is_sla_due,
        measured.is_sla_due
        and (measured.completed_at is null or measured.completed_at > measured.sla_due_at) as is_sla_breached,
        measured.reopened_from_task_id is not null as is_reopening,
        measured.is_completed and measured.is_resolved_on_first_contact as is_first_contact_resolved
    from measured
    left join stg_crm__assignees on measured.assignee_id = stg_crm__assignees.assignee_id
)

select * from final
