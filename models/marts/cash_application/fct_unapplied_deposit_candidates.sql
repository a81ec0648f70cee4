-- 消込候補 (candidate invoices for unapplied deposits): for each unapplied deposit of a resolved
-- customer, the sets of one to three of that customer's open invoices whose open amounts add up to
-- the unapplied amount, as paid in full or less a typical transfer fee (seed transfer_fees). Ranked:
-- a set including the invoice the transfer's EDI情報 names first, then an exact single invoice,
-- then no fee before a fee, fewer invoices, older due dates.
-- Customers with more than 30 open invoices are left to people, to bound the combinations.
-- The matching itself is int_deposit_candidates_ranked (on int_open_invoices_listed and int_deposits_unapplied).
with int_deposit_candidates_ranked as (
    select * from {{ ref('int_deposit_candidates_ranked') }}
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
    from int_deposit_candidates_ranked
)

select * from final
