-- Each open invoice (issued, not a credit note) of a resolved billing customer as of the as-of date,
-- with its due date and open amount, computed from the billing, cash application and write-off
-- records themselves: issued amount, less applications and the fees deducted with them, less
-- write-offs to the AR account; a credit note with an original invoice reduces that invoice. The
-- candidate matcher (int_deposit_candidates_ranked) combines them to fit unapplied deposits.
with stg_billing__invoices as (
    select * from {{ ref('stg_billing__invoices') }}
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

int_customer_identifiers_resolved as (
    select * from {{ ref('int_customer_identifiers_resolved') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

-- A credit note with an original invoice reduces that invoice's open amount (kpis.md).
invoice_items as (
    select
        invoice_id,
        coalesce(
            case when document_type = 'credit_note' then original_invoice_id end, invoice_id
        ) as item_invoice_id
    from stg_billing__invoices
),

invoice_events as (
    select
        invoice_id,
        invoice_date as event_date,
        invoice_amount as open_change_amount
    from stg_billing__invoices
),

collection_events as (
    select
        invoice_id,
        applied_date as event_date,
        -applied_amount - coalesce(fee_deducted_amount, 0) as open_change_amount
    from stg_accounting__cash_applications
),

write_off_events as (
    select
        stg_accounting__journal_lines.invoice_id,
        stg_accounting__journal_lines.posting_date as event_date,
        stg_accounting__journal_lines.debit_amount - stg_accounting__journal_lines.credit_amount
            as open_change_amount
    from stg_accounting__journal_lines
    inner join stg_accounting__accounts
        on stg_accounting__journal_lines.account_code = stg_accounting__accounts.account_code
    where
        stg_accounting__journal_lines.entry_type = 'write_off'
        and stg_accounting__accounts.account_category = 'accounts_receivable'
        and stg_accounting__journal_lines.invoice_id is not null
),

receivable_events as (
    select * from invoice_events
    union all
    select * from collection_events
    union all
    select * from write_off_events
),

open_amounts as (
    select
        invoice_items.item_invoice_id as invoice_id,
        sum(receivable_events.open_change_amount) as open_amount
    from receivable_events
    inner join invoice_items
        on receivable_events.invoice_id = invoice_items.invoice_id
    cross join int_reporting_dates
    where receivable_events.event_date <= int_reporting_dates.as_of_date
    group by invoice_items.item_invoice_id
),

billing_customers as (
    select
        source_identifier as billing_customer_id,
        customer_key
    from int_customer_identifiers_resolved
    where source_system = 'billing' and identifier_type = 'billing_customer_id'
),

final as (
    select
        billing_customers.customer_key,
        stg_billing__invoices.invoice_id,
        stg_billing__invoices.due_date,
        open_amounts.open_amount
    from open_amounts
    inner join stg_billing__invoices
        on open_amounts.invoice_id = stg_billing__invoices.invoice_id
    inner join billing_customers
        on stg_billing__invoices.billing_customer_id = billing_customers.billing_customer_id
    where
        open_amounts.open_amount > 0
        and coalesce(stg_billing__invoices.document_type, 'invoice') = 'invoice'
)

select * from final
