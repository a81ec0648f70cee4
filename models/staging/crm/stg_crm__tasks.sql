-- タスク・チケット: the rows of crm/tasks that keep the landing contract.
with base_tasks as (
    select * from {{ ref('base_crm__tasks') }}
),

valid as (
    select
        task_id,
        crm_account_id,
        invoice_id,
        assignee_id,
        task_type,
        created_at,
        sla_due_at,
        completed_at,
        status as task_status,
        reopened_from_task_id,
        resolved_on_first_contact as is_resolved_on_first_contact,
        error_category,
        external_ref,
        resolution_tags
    from base_tasks
    where rejection_reason is null
)

select * from valid
