-- One row per invoice with events: its receivable event effects summed by kind (invoiced, credited,
-- collected net of reversals, fees deducted, written off), the open amount they leave (all effects
-- summed) and its first and last payment dates. fct_invoices publishes these per receivable; the
-- contact history reads the open amount to know which invoices are open.
with int_receivable_events_unioned as (
    select * from {{ ref('int_receivable_events_unioned') }}
),

final as (
    select
        invoice_id,
        sum(case when event_type = 'invoice' then open_amount_effect else 0 end) as invoiced_amount,
        -1 * sum(case when event_type = 'credit_note' then open_amount_effect else 0 end) as credited_amount,
        -1 * sum(
            case
                when event_type in ('cash_applied', 'application_reversed', 'note_received', 'note_dishonoured')
                    then open_amount_effect
                else 0
            end
        )
            as collected_amount,
        -1 * sum(case when event_type = 'fee_deducted' then open_amount_effect else 0 end) as fees_deducted_amount,
        -1 * sum(case when event_type = 'written_off' then open_amount_effect else 0 end) as written_off_amount,
        sum(open_amount_effect) as open_amount,
        min(case when event_type in ('cash_applied', 'note_received') then event_date end) as first_payment_date,
        max(case when event_type in ('cash_applied', 'note_received') then event_date end) as last_payment_date
    from int_receivable_events_unioned
    group by invoice_id
)

select * from final
