-- 顧客: the rows of crm/accounts that keep the landing contract.
with base_accounts as (
    select * from {{ ref('base_crm__accounts') }}
),

valid as (
    select
        crm_account_id,
        account_name,
        account_name_kana,
        {{ checked_corporate_number('corporate_number') }} as corporate_number,
        billing_customer_id,
        accounting_customer_code,
        segment,
        industry,
        owner_assignee_id
    from base_accounts
    where rejection_reason is null
)

select * from valid
