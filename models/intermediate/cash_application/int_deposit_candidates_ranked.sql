-- The candidate invoices of unapplied deposits (消込候補): for each unapplied deposit of a resolved
-- customer, the sets of one to three of that customer's open invoices whose open amounts add up to
-- the unapplied amount, as paid in full or less a typical transfer fee (seed transfer_fees). Ranked:
-- a set including the invoice the transfer's EDI情報 names first, then an exact single invoice,
-- then no fee before a fee, fewer invoices, older due dates.
-- Customers with more than 30 open invoices are left to people, to bound the combinations.
{%- set max_open_invoices = 30 %}

with int_deposits_unapplied as (
    select * from {{ ref('int_deposits_unapplied') }}
),

int_open_invoices_listed as (
    select * from {{ ref('int_open_invoices_listed') }}
),

transfer_fees as (
    select * from {{ ref('transfer_fees') }}
),

deposits_to_match as (
    select
        bank_transaction_id,
        customer_key,
        value_date,
        unapplied_amount,
        edi_invoice_id
    from int_deposits_unapplied
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
    select int_open_invoices_listed.customer_key
    from int_open_invoices_listed
    inner join deposit_customers
        on int_open_invoices_listed.customer_key = deposit_customers.customer_key
    group by int_open_invoices_listed.customer_key
    having count(*) <= {{ max_open_invoices }}
),

-- Oldest due date first, so a combination lists its invoices in due-date order.
numbered_invoices as (
    select
        int_open_invoices_listed.customer_key,
        int_open_invoices_listed.invoice_id,
        int_open_invoices_listed.due_date,
        int_open_invoices_listed.open_amount,
        row_number() over (
            partition by int_open_invoices_listed.customer_key
            order by int_open_invoices_listed.due_date, int_open_invoices_listed.invoice_id
        ) as invoice_number
    from int_open_invoices_listed
    inner join customers_in_scope
        on int_open_invoices_listed.customer_key = customers_in_scope.customer_key
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

final as (
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
)

select * from final
