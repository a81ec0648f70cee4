-- 消込明細 (cash applications): one row per application of a deposit to an invoice up to the as-of
-- date, with the invoice's customer, whether the row reverses an earlier application (a matching
-- error) and whether it was itself reversed.
with int_cash_applications_resolved as (
    select * from {{ ref('int_cash_applications_resolved') }}
),

final as (
    select
        application_id,
        bank_transaction_id,
        invoice_id,
        customer_key,
        applied_date,
        applied_amount,
        fee_deducted_amount,
        application_method,
        is_reversal,
        reverses_application_id,
        is_reversed
    from int_cash_applications_resolved
)

select * from final
