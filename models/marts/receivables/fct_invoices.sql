-- 請求書別債権 — one row per receivable invoice as of as_of_date: invoiced, credited, collected,
-- fees, written off and open amounts; payment dates; days past due, aging bucket and the collection
-- stage it has reached. (A credit note that names its invoice is folded into that invoice.)
-- Computed in int_invoices_aged.
with int_invoices_aged as (
    select * from {{ ref('int_invoices_aged') }}
),

final as (
    select
        invoice_id,
        document_type,
        customer_key,
        billing_customer_id,
        owner_assignee_id,
        owner_team,
        segment,
        deal_id,
        sales_rep_id,
        issue_method,
        invoice_date,
        due_date,
        delivered_date,
        invoiced_amount,
        credited_amount,
        collected_amount,
        fees_deducted_amount,
        written_off_amount,
        open_amount,
        is_open,
        is_overdue,
        first_payment_date,
        last_payment_date,
        days_to_pay,
        days_past_due,
        aging_bucket,
        collection_stage,
        soft_entered_date,
        hard_entered_date,
        legal_entered_date,
        as_of_date
    from int_invoices_aged
)

select * from final
