-- 消込明細: the rows of accounting/cash_applications that keep the landing contract.
with base_cash_applications as (
    select * from {{ ref('base_accounting__cash_applications') }}
),

valid as (
    select
        application_id,
        bank_transaction_id,
        invoice_id,
        applied_amount,
        applied_date,
        method as application_method,
        fee_deducted as fee_deducted_amount,
        reverses_application_id
    from base_cash_applications
    where rejection_reason is null
)

select * from valid
