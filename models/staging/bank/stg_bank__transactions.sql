-- 入出金明細: the rows of bank/transactions that keep the landing contract.
with base_transactions as (
    select * from {{ ref('base_bank__transactions') }}
),

valid as (
    select
        bank_transaction_id,
        bank_account_id,
        value_date,
        amount as transaction_amount,
        currency,
        remitter_name,
        virtual_account_number,
        description,
        edi_info,
        reverses_bank_transaction_id
    from base_transactions
    where rejection_reason is null
)

select * from valid
