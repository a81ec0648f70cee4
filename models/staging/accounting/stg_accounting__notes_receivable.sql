-- 受取手形・電子記録債権台帳: the rows of accounting/notes_receivable that keep the landing contract.
with base_notes_receivable as (
    select * from {{ ref('base_accounting__notes_receivable') }}
),

valid as (
    select
        note_id,
        note_type,
        accounting_customer_code,
        invoice_id,
        amount as note_amount,
        received_date,
        maturity_date,
        status as note_status,
        settled_date,
        bank_transaction_id,
        coalesce(discount_fee, 0) as discount_fee_amount
    from base_notes_receivable
    where rejection_reason is null
)

select * from valid
