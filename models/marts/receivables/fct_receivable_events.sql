-- 債権イベント台帳 — one row per change to a receivable on its axis (incurrence 発生, collection 回収,
-- write-off 償却), with the signed effect on the open amount and every slicing attribute.
-- The effects of all events sum to open AR as of as_of_date (tested).
with events as (
    select * from {{ ref('int_receivable_events_unioned') }}
),

invoices as (
    select * from {{ ref('int_invoices_resolved') }}
),

dim_customer as (
    select * from {{ ref('dim_customer') }}
),

stg_legal__case_invoices as (
    select * from {{ ref('stg_legal__case_invoices') }}
),

legal_cases_by_invoice as (
    select invoice_id, min(legal_case_id) as legal_case_id
    from stg_legal__case_invoices
    group by invoice_id
),

final as (
    select
        events.event_id,
        events.ledger_axis,
        events.event_type,
        events.event_date,
        {{ month_start('events.event_date') }} as event_month_start,
        events.invoice_id,
        events.source_document_id,
        receivables.customer_key,
        dim_customer.owner_assignee_id,
        dim_customer.owner_team,
        dim_customer.segment,
        receivables.deal_id,
        receivables.sales_rep_id,
        legal_cases_by_invoice.legal_case_id,
        receivables.receivable_due_date as due_date,
        cast(events.open_amount_effect as decimal(38, 2)) as open_amount_effect
    from events
    inner join invoices as receivables on events.invoice_id = receivables.invoice_id
    inner join dim_customer on receivables.customer_key = dim_customer.customer_key
    left join legal_cases_by_invoice on events.invoice_id = legal_cases_by_invoice.invoice_id
)

select * from final
