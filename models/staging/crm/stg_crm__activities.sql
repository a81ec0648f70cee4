-- 督促・対応履歴: the rows of crm/activities that keep the landing contract.
with base_activities as (
    select * from {{ ref('base_crm__activities') }}
),

valid as (
    select
        activity_id,
        crm_account_id,
        invoice_id,
        assignee_id,
        activity_at,
        channel,
        stage as collection_stage,
        outcome,
        promise_date,
        promise_amount,
        automated as is_automated,
        disputed_amount
    from base_activities
    where rejection_reason is null
)

select * from valid
