-- 残高: the rows of bank/balances that keep the landing contract.
with base_balances as (
    select * from {{ ref('base_bank__balances') }}
),

valid as (
    select
        bank_account_id,
        balance_at,
        balance as balance_amount,
        currency
    from base_balances
    where rejection_reason is null
)

select * from valid
