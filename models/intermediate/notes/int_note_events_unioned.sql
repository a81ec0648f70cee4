-- 手形・でんさい台帳 (the notes ledger): each note line (a note and the invoice it settles) as its events,
-- with their effects on notes receivable (受取手形 / 電子記録債権), on 売掛金 and on cash. Received: 売掛金
-- becomes notes receivable, no cash. Collected at maturity (期日入金): notes receivable becomes cash.
-- Discounted (割引): cash less the discount fee. Endorsed (裏書譲渡): it leaves, no cash. Dishonoured
-- (不渡り): back on 売掛金. Only events on or before as_of_date.
with stg_accounting__notes_receivable as (
    select * from {{ ref('stg_accounting__notes_receivable') }}
),

int_invoices_resolved as (
    select * from {{ ref('int_invoices_resolved') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

note_lines as (
    select
        stg_accounting__notes_receivable.note_id,
        stg_accounting__notes_receivable.invoice_id as source_invoice_id,
        int_invoices_resolved.receivable_invoice_id as invoice_id,
        int_invoices_resolved.customer_key,
        stg_accounting__notes_receivable.note_type,
        stg_accounting__notes_receivable.note_amount,
        stg_accounting__notes_receivable.received_date,
        stg_accounting__notes_receivable.maturity_date,
        stg_accounting__notes_receivable.note_status,
        stg_accounting__notes_receivable.settled_date,
        stg_accounting__notes_receivable.discount_fee_amount
    from stg_accounting__notes_receivable
    inner join int_invoices_resolved
        on stg_accounting__notes_receivable.invoice_id = int_invoices_resolved.invoice_id
),

received_events as (
    select
        note_id,
        source_invoice_id,
        invoice_id,
        customer_key,
        note_type,
        maturity_date,
        'received' as event_type,
        received_date as event_date,
        note_amount as notes_receivable_effect,
        -1 * note_amount as accounts_receivable_effect,
        0 * note_amount as cash_effect,
        0 * note_amount as discount_fee_amount
    from note_lines
),

settlement_events as (
    select
        note_id,
        source_invoice_id,
        invoice_id,
        customer_key,
        note_type,
        maturity_date,
        note_status as event_type,
        settled_date as event_date,
        -1 * note_amount as notes_receivable_effect,
        case when note_status = 'dishonoured' then note_amount else 0 * note_amount end as accounts_receivable_effect,
        case
            when note_status = 'collected' then note_amount
            when note_status = 'discounted' then note_amount - discount_fee_amount
            else 0 * note_amount
        end as cash_effect,
        case when note_status = 'discounted' then discount_fee_amount else 0 * note_amount end as discount_fee_amount
    from note_lines
    where note_status <> 'held'
),

all_events as (
    select * from received_events
    union all
    select * from settlement_events
),

final as (
    select
        {{ dbt.concat(["all_events.event_type", "':'", "all_events.note_id", "':'", "all_events.source_invoice_id"]) }}
            as event_id,
        all_events.note_id,
        all_events.invoice_id,
        all_events.customer_key,
        all_events.note_type,
        all_events.event_type,
        all_events.event_date,
        all_events.maturity_date,
        all_events.notes_receivable_effect,
        all_events.accounts_receivable_effect,
        all_events.cash_effect,
        all_events.discount_fee_amount
    from all_events
    cross join int_reporting_dates
    where all_events.event_date <= int_reporting_dates.as_of_date
)

select * from final
