-- Each open invoice (issued, not a credit note; open amount above zero) of the as-of date, with its
-- customer and due date: the receivable ledger's own open amounts (int_invoices_aged), so a credit
-- note, a fee or a write-off reduces what the candidate matcher (int_deposit_candidates_ranked) may
-- combine exactly as it reduces open AR.
with int_invoices_aged as (
    select * from {{ ref('int_invoices_aged') }}
),

final as (
    select
        customer_key,
        invoice_id,
        due_date,
        open_amount
    from int_invoices_aged
    where
        open_amount > 0
        and coalesce(document_type, 'invoice') = 'invoice'
)

select * from final
