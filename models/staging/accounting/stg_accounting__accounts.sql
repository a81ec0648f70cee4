-- 勘定科目: the rows of accounting/accounts that keep the landing contract.
with base_accounts as (
    select * from {{ ref('base_accounting__accounts') }}
),

valid as (
    select
        account_code,
        account_name,
        account_category
    from base_accounts
    where rejection_reason is null
)

select * from valid
