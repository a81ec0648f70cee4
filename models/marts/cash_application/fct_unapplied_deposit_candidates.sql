-- 消込候補 (candidate invoices for unapplied deposits): for each unapplied deposit of a resolved
-- customer, the sets of one to three of that customer's open invoices whose open amounts add up to
-- the unapplied amount, as paid in full or less a typical transfer fee (seed transfer_fees). Ranked:
-- a set including the invoice the transfer's EDI情報 names first, then an exact single invoice,
-- then no fee before a fee, fewer invoices, older due dates.
-- Customers with more than 30 open invoices are left to people, to bound the combinations.
{%- set max_open_invoices = 30 %}

with fct_unapplied_deposits as (
    select * from {{ ref('fct_unapplied_deposits') }}
),

stg_billing__invoices as (
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

customer_identity_map as (
    select * from {{ ref('customer_identity_map') }}
),

transfer_fees as (
    select * from {{ ref('transfer_fees') }}
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
    from customer_identity_map
    where source_system = 'billing' and identifier_type = 'billing_customer_id'
),

open_invoices as (
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
),

deposits_to_match as (
    select
        bank_transaction_id,
        customer_key,
        value_date,
        unapplied_amount,
        edi_invoice_id
    from fct_unapplied_deposits
    where customer_key <> {{ unresolved_customer_key() }}
),

deposit_customers as (
    select customer_key
    from deposits_to_match
    group by customer_key
),

-- A join, not `in (subquery)`: Spark 4.3 ships an `in` subquery's plan to its executors, and a
-- plan holding a union of literal rows (a unit test's fixture) fails to deserialize there.
customers_in_scope as (
    select open_invoices.customer_key
    from open_invoices
    inner join deposit_customers
        on open_invoices.customer_key = deposit_customers.customer_key
    group by open_invoices.customer_key
    having count(*) <= {{ max_open_invoices }}
),

-- Oldest due date first, so a combination lists its invoices in due-date order.
numbered_invoices as (
    select
        open_invoices.customer_key,
        open_invoices.invoice_id,
        open_invoices.due_date,
        open_invoices.open_amount,
        row_number() over (
            partition by open_invoices.customer_key
            order by open_invoices.due_date, open_invoices.invoice_id
        ) as invoice_number
    from open_invoices
    inner join customers_in_scope
        on open_invoices.customer_key = customers_in_scope.customer_key
),

single_invoices as (
    select
        customer_key,
        1 as invoice_count,
        invoice_id as invoice_id_1,
        cast(null as {{ dbt.type_string() }}) as invoice_id_2,
        cast(null as {{ dbt.type_string() }}) as invoice_id_3,
        open_amount as open_amount_total,
        due_date as earliest_due_date,
        due_date as latest_due_date
    from numbered_invoices
),

invoice_pairs as (
    select
        first_invoice.customer_key,
        2 as invoice_count,
        first_invoice.invoice_id as invoice_id_1,
        second_invoice.invoice_id as invoice_id_2,
        cast(null as {{ dbt.type_string() }}) as invoice_id_3,
        first_invoice.open_amount + second_invoice.open_amount as open_amount_total,
        first_invoice.due_date as earliest_due_date,
        second_invoice.due_date as latest_due_date
    from numbered_invoices as first_invoice
    inner join numbered_invoices as second_invoice
        on
            first_invoice.customer_key = second_invoice.customer_key
            and first_invoice.invoice_number < second_invoice.invoice_number
),

invoice_triples as (
    select
        invoice_pairs.customer_key,
        3 as invoice_count,
        invoice_pairs.invoice_id_1,
        invoice_pairs.invoice_id_2,
        third_invoice.invoice_id as invoice_id_3,
        invoice_pairs.open_amount_total + third_invoice.open_amount as open_amount_total,
        invoice_pairs.earliest_due_date,
        third_invoice.due_date as latest_due_date
    from invoice_pairs
    inner join numbered_invoices as second_invoice
        on
            invoice_pairs.customer_key = second_invoice.customer_key
            and invoice_pairs.invoice_id_2 = second_invoice.invoice_id
    inner join numbered_invoices as third_invoice
        on
            invoice_pairs.customer_key = third_invoice.customer_key
            and second_invoice.invoice_number < third_invoice.invoice_number
),

invoice_combinations as (
    select * from single_invoices
    union all
    select * from invoice_pairs
    union all
    select * from invoice_triples
),

-- Paying in full is always a candidate, whether or not the seed lists a zero fee.
fees as (
    select 0 as transfer_fee_amount
    union
    select transfer_fee_amount from transfer_fees
),

candidates as (
    select
        deposits_to_match.bank_transaction_id,
        deposits_to_match.customer_key,
        deposits_to_match.value_date,
        deposits_to_match.unapplied_amount,
        invoice_combinations.invoice_count,
        invoice_combinations.invoice_id_1,
        invoice_combinations.invoice_id_2,
        invoice_combinations.invoice_id_3,
        invoice_combinations.open_amount_total,
        fees.transfer_fee_amount,
        fees.transfer_fee_amount > 0 as is_fee_deducted,
        invoice_combinations.invoice_count = 1 and fees.transfer_fee_amount = 0 as is_exact_single_match,
        coalesce(deposits_to_match.edi_invoice_id in (
            invoice_combinations.invoice_id_1, invoice_combinations.invoice_id_2, invoice_combinations.invoice_id_3
        ), false) as is_edi_invoice_included,
        invoice_combinations.earliest_due_date,
        invoice_combinations.latest_due_date
    from deposits_to_match
    inner join invoice_combinations
        on deposits_to_match.customer_key = invoice_combinations.customer_key
    inner join fees
        on invoice_combinations.open_amount_total - fees.transfer_fee_amount = deposits_to_match.unapplied_amount
),

ranked as (
    select
        candidates.*,
        row_number() over (
            partition by candidates.bank_transaction_id
            order by
                case when candidates.is_edi_invoice_included then 0 else 1 end,
                case when candidates.is_exact_single_match then 0 else 1 end,
                case when candidates.is_fee_deducted then 1 else 0 end,
                candidates.invoice_count,
                candidates.earliest_due_date,
                candidates.latest_due_date,
                candidates.transfer_fee_amount,
                candidates.invoice_id_1,
                candidates.invoice_id_2,
                candidates.invoice_id_3
        ) as candidate_rank,
        count(*) over (partition by candidates.bank_transaction_id) as candidate_count
    from candidates
),

final as (
    select
        bank_transaction_id,
        cast(candidate_rank as {{ dbt.type_int() }}) as candidate_rank,
        cast(candidate_count as {{ dbt.type_int() }}) as candidate_count,
        customer_key,
        value_date,
        cast(unapplied_amount as decimal(18, 2)) as unapplied_amount,
        cast(invoice_count as {{ dbt.type_int() }}) as invoice_count,
        invoice_id_1,
        invoice_id_2,
        invoice_id_3,
        cast(open_amount_total as decimal(18, 2)) as open_amount_total,
        cast(transfer_fee_amount as decimal(18, 2)) as transfer_fee_amount,
        is_fee_deducted,
        is_exact_single_match,
        is_edi_invoice_included,
        earliest_due_date,
        latest_due_date
    from ranked
)

select * from final
