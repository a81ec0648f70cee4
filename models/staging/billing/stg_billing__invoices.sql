-- 請求書: the rows of billing/invoices that keep the landing contract.
with base_invoices as (
    select * from {{ ref('base_billing__invoices') }}
),

valid as (
    select
        invoice_id,
        billing_customer_id,
        invoice_date,
        due_date,
        amount as invoice_amount,
        currency,
        document_type,
        original_invoice_id,
        deal_id,
        sales_rep_id,
        issue_method,
        delivered_date
    from base_invoices
    where rejection_reason is null
)

select * from valid
