-- The receivable ledger on its three time axes (kpis.md): every change to an invoice's open amount
-- as one signed event, dated on its own axis. Incurrence (発生): invoices and credit notes on
-- invoice_date; collection (回収): cash applied, reversals and deducted fees on applied_date;
-- write-off (償却): credits to an accounts_receivable account on write_off journal lines that name
-- an invoice, on posting_date. A note received (受取手形, でんさい) settles 売掛金 without cash on its
-- received_date, and a dishonoured note (不渡り) puts the amount back on its settled_date: both on the
-- collection axis. Only events on or before as_of_date: the past's answer stays the past's.
--
-- Incremental, by window: a run first deletes every event of the last `incremental_lookback_days`
-- before the latest one (pre-hook), then inserts every source event after the latest event left,
-- so the window is rebuilt from the sources as they are now: late postings dated a little in the
-- past arrive, and an event deleted at the source or re-posted under a new id (a journal re-entered)
-- leaves. A post-hook drops events after the as-of date, so moving the as-of date back needs no full
-- refresh. Tested against a full refresh, also after a journal is re-posted.
{{ config(
    materialized='incremental',
    unique_key='event_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}{{ delete_where(this, 'event_date >= (select '
        ~ add_days('max(event_date)', -1 * var('incremental_lookback_days')) ~ ' from ' ~ this ~ ')') }}{% endif %}",
    post_hook="{{ delete_where(this, 'event_date > (select as_of_date from ' ~ ref('int_reporting_dates') ~ ')') }}",
) }}
with invoices as (
    select * from {{ ref('int_invoices_resolved') }}
),

stg_accounting__cash_applications as (
    select * from {{ ref('stg_accounting__cash_applications') }}
),

stg_accounting__journal_lines as (
    select * from {{ ref('stg_accounting__journal_lines') }}
),

stg_accounting__accounts as (
    select * from {{ ref('stg_accounting__accounts') }}
),

stg_accounting__notes_receivable as (
    select * from {{ ref('stg_accounting__notes_receivable') }}
),

reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

receivables as (
    select invoice_id, receivable_invoice_id
    from invoices
),

incurrence_events as (
    select
        {{ dbt.concat(["'incurrence:'", "invoice_id"]) }} as event_id,
        'incurrence' as ledger_axis,
        document_type as event_type,
        invoice_date as event_date,
        receivable_invoice_id as invoice_id,
        invoice_id as source_document_id,
        invoice_amount as open_amount_effect
    from invoices
),

applications as (
    select stg_accounting__cash_applications.*
    from stg_accounting__cash_applications
    cross join reporting_dates
    where stg_accounting__cash_applications.applied_date <= reporting_dates.as_of_date
),

application_events as (
    select
        {{ dbt.concat(["'collection:'", "application_id"]) }} as event_id,
        'collection' as ledger_axis,
        case when applied_amount < 0 then 'application_reversed' else 'cash_applied' end as event_type,
        applied_date as event_date,
        invoice_id,
        application_id as source_document_id,
        -1 * applied_amount as open_amount_effect
    from applications
),

fee_events as (
    select
        {{ dbt.concat(["'fee:'", "application_id"]) }} as event_id,
        'collection' as ledger_axis,
        'fee_deducted' as event_type,
        applied_date as event_date,
        invoice_id,
        application_id as source_document_id,
        -1 * fee_deducted_amount as open_amount_effect
    from applications
    where fee_deducted_amount <> 0
),

write_off_events as (
    select
        {{ dbt.concat(["'write_off:'", "journal_lines.journal_id", "':'", dbt.safe_cast("journal_lines.line_number", dbt.type_string())]) }}  -- noqa: LT05
            as event_id,
        'write_off' as ledger_axis,
        'written_off' as event_type,
        journal_lines.posting_date as event_date,
        journal_lines.invoice_id,
        {{ dbt.concat(["journal_lines.journal_id", "':'", dbt.safe_cast("journal_lines.line_number", dbt.type_string())]) }}  -- noqa: LT05
            as source_document_id,
        journal_lines.debit_amount - journal_lines.credit_amount as open_amount_effect
    from stg_accounting__journal_lines as journal_lines
    inner join stg_accounting__accounts as accounts
        on journal_lines.account_code = accounts.account_code
    cross join reporting_dates
    where
        journal_lines.entry_type = 'write_off'
        and accounts.account_category = 'accounts_receivable'
        and journal_lines.posting_date <= reporting_dates.as_of_date
),

notes as (
    select stg_accounting__notes_receivable.*
    from stg_accounting__notes_receivable
    cross join reporting_dates
    where stg_accounting__notes_receivable.received_date <= reporting_dates.as_of_date
),

note_received_events as (
    select
        {{ dbt.concat(["'note_received:'", "note_id", "':'", "invoice_id"]) }} as event_id,
        'collection' as ledger_axis,
        'note_received' as event_type,
        received_date as event_date,
        invoice_id,
        note_id as source_document_id,
        -1 * note_amount as open_amount_effect
    from notes
),

note_dishonoured_events as (
    select
        {{ dbt.concat(["'note_dishonoured:'", "notes.note_id", "':'", "notes.invoice_id"]) }} as event_id,
        'collection' as ledger_axis,
        'note_dishonoured' as event_type,
        notes.settled_date as event_date,
        notes.invoice_id,
        notes.note_id as source_document_id,
        notes.note_amount as open_amount_effect
    from notes
    cross join reporting_dates
    where notes.note_status = 'dishonoured' and notes.settled_date <= reporting_dates.as_of_date
),

-- Collections and write-offs land on the receivable of the document they name (a credit note's
-- original invoice when they name the credit note).
other_events as (
    select * from application_events
    union all
    select * from fee_events
    union all
    select * from write_off_events
    union all
    select * from note_received_events
    union all
    select * from note_dishonoured_events
),

other_events_on_receivables as (
    select
        other_events.event_id,
        other_events.ledger_axis,
        other_events.event_type,
        other_events.event_date,
        receivables.receivable_invoice_id as invoice_id,
        other_events.source_document_id,
        other_events.open_amount_effect
    from other_events
    inner join receivables on other_events.invoice_id = receivables.invoice_id
),

all_events as (
    select * from incurrence_events
    union all
    select * from other_events_on_receivables
),

final as (
    select * from all_events
    {% if is_incremental() %}
        where event_date > (select coalesce(max(event_date), cast('1900-01-01' as date)) from {{ this }})
    {% endif %}
)

select * from final
