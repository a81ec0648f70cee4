-- Each billing document with its customer_key and the receivable it changes: an invoice is its own
-- receivable; a credit note with an original_invoice_id reduces that invoice and shares its due
-- date (kpis.md, credit_notes); a credit note without one stands as a receivable of its own.
with stg_billing__invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

identity_map as (
    select * from {{ ref('int_customer_identifiers_resolved') }}
),

reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

documents as (
    select stg_billing__invoices.*
    from stg_billing__invoices
    cross join reporting_dates
    where stg_billing__invoices.invoice_date <= reporting_dates.as_of_date
),

with_receivable as (
    select
        documents.*,
        case
            when documents.document_type = 'credit_note' and originals.invoice_id is not null
                then originals.invoice_id
            else documents.invoice_id
        end as receivable_invoice_id,
        coalesce(originals.due_date, documents.due_date) as receivable_due_date
    from documents
    left join documents as originals
        on
            documents.original_invoice_id = originals.invoice_id
            and documents.document_type = 'credit_note'
),

final as (
    select
        with_receivable.invoice_id,
        with_receivable.receivable_invoice_id,
        with_receivable.document_type,
        with_receivable.billing_customer_id,
        identity_map.customer_key,
        with_receivable.invoice_date,
        with_receivable.due_date,
        with_receivable.receivable_due_date,
        with_receivable.invoice_amount,
        with_receivable.deal_id,
        with_receivable.sales_rep_id,
        with_receivable.issue_method,
        with_receivable.delivered_date
    from with_receivable
    inner join identity_map
        on
            identity_map.source_system = 'billing'
            and with_receivable.billing_customer_id = identity_map.source_identifier
)

select * from final
