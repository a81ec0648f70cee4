-- 係争債権 (disputed invoices): one row per invoice a CRM dispute names, as of the as-of date, with the
-- amount disputed, whether the dispute is still open and what of the open amount it holds.
with int_invoice_disputes_summarised as (
    select * from {{ ref('int_invoice_disputes_summarised') }}
),

final as (
    select
        invoice_id,
        customer_key,
        owner_assignee_id,
        due_date,
        first_disputed_date,
        dispute_activity_count,
        dispute_task_count,
        is_dispute_open,
        last_resolved_date,
        cast(disputed_amount as decimal(18, 2)) as disputed_amount,
        cast(invoiced_amount as decimal(18, 2)) as invoiced_amount,
        cast(credited_amount as decimal(18, 2)) as credited_amount,
        cast(open_amount as decimal(18, 2)) as open_amount,
        cast(disputed_open_amount as decimal(18, 2)) as disputed_open_amount
    from int_invoice_disputes_summarised
)

select * from final
