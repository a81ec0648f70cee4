-- Rule: the notes ledger agrees with itself and with the receivable ledger. Each month-end, the
-- maturity buckets of fct_notes_maturity_aging sum to the month's ending notes receivable
-- (fct_notes_receivable_monthly); and per invoice, the notes ledger's effects on 売掛金 equal the
-- note events of the receivable ledger (fct_receivable_events).
with fct_notes_maturity_aging as (
    select * from {{ ref('fct_notes_maturity_aging') }}
),

fct_notes_receivable_monthly as (
    select * from {{ ref('fct_notes_receivable_monthly') }}
),

fct_note_events as (
    select * from {{ ref('fct_note_events') }}
),

fct_receivable_events as (
    select * from {{ ref('fct_receivable_events') }}
),

aging_totals as (
    select
        snapshot_date,
        sum(outstanding_amount) as outstanding_amount
    from fct_notes_maturity_aging
    where is_month_end
    group by snapshot_date
),

aging_differences as (
    select
        'aging vs monthly notes receivable' as measure,
        cast(fct_notes_receivable_monthly.month_start as {{ dbt.type_string() }}) as subject,
        fct_notes_receivable_monthly.ending_notes_receivable_amount as expected_amount,
        coalesce(aging_totals.outstanding_amount, 0) as actual_amount
    from fct_notes_receivable_monthly
    left join aging_totals
        on fct_notes_receivable_monthly.period_end_date = aging_totals.snapshot_date
    where not fct_notes_receivable_monthly.is_month_in_progress
),

notes_by_invoice as (
    select
        invoice_id,
        sum(accounts_receivable_effect) as amount
    from fct_note_events
    group by invoice_id
),

ledger_by_invoice as (
    select
        invoice_id,
        sum(open_amount_effect) as amount
    from fct_receivable_events
    where event_type in ('note_received', 'note_dishonoured')
    group by invoice_id
),

invoice_differences as (
    select
        'notes ledger vs receivable ledger' as measure,
        coalesce(notes_by_invoice.invoice_id, ledger_by_invoice.invoice_id) as subject,
        coalesce(notes_by_invoice.amount, 0) as expected_amount,
        coalesce(ledger_by_invoice.amount, 0) as actual_amount
    from notes_by_invoice
    full outer join ledger_by_invoice
        on notes_by_invoice.invoice_id = ledger_by_invoice.invoice_id
),

final as (
    select * from aging_differences
    union all
    select * from invoice_differences
)

select *
from final
where expected_amount <> actual_amount
