-- The receivable ledger ties out: the effects of all events sum to open AR, invoice by invoice
-- (fct_invoices) and in total (the last month's ending_ar of fct_kpi_monthly).
with event_totals as (
    select invoice_id, sum(open_amount_effect) as events_open_amount
    from {{ ref('fct_receivable_events') }}
    group by invoice_id
),

invoice_mismatches as (
    select
        fct_invoices.invoice_id,
        fct_invoices.open_amount,
        coalesce(event_totals.events_open_amount, 0) as events_open_amount
    from {{ ref('fct_invoices') }} as fct_invoices
    left join event_totals on fct_invoices.invoice_id = event_totals.invoice_id
    where fct_invoices.open_amount <> coalesce(event_totals.events_open_amount, 0)
),

company_mismatch as (
    select
        'company' as invoice_id,
        latest_month.ending_ar as open_amount,
        (select sum(open_amount_effect) from {{ ref('fct_receivable_events') }}) as events_open_amount
    from {{ ref('fct_kpi_monthly') }} as latest_month
    where
        latest_month.month_start = (select max(month_start) from {{ ref('fct_kpi_monthly') }})
        and latest_month.ending_ar <> (select sum(open_amount_effect) from {{ ref('fct_receivable_events') }})
)

select * from invoice_mismatches
union all
select * from company_mismatch
