-- 対象債権: the rows of legal/case_invoices that keep the landing contract.
with base_case_invoices as (
    select * from {{ ref('base_legal__case_invoices') }}
),

valid as (
    select
        legal_case_id,
        invoice_id,
        transferred_amount
    from base_case_invoices
    where rejection_reason is null
)

select * from valid
