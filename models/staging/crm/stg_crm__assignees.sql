-- 担当者: the rows of crm/assignees that keep the landing contract.
with base_assignees as (
    select * from {{ ref('base_crm__assignees') }}
),

valid as (
    select
        assignee_id,
        assignee_name,
        team,
        role,
        active as is_active
    from base_assignees
    where rejection_reason is null
)

select * from valid
