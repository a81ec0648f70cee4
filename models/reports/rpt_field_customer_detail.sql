-- 現場ビュー (field view, seed 000: 顧客別明細・対応履歴・未収一覧) — one row per open receivable as of
-- as_of_date (an invoice with an open amount, fct_invoices): the item (amount, due date, days past
-- due, aging bucket, collection stage), its customer (owner, risk segment and credit-limit use from
-- dim_customer_risk), the contact history and promises on the item where it is on a collector's
-- worklist (rpt_field_worklist, overdue items), and the exceptions open on the customer
-- (exception_ledger). Amounts are per item, so a customer's total is their sum. The ranked list of
-- what to work today is rpt_field_worklist.
with fct_invoices as (
    select * from {{ ref('fct_invoices') }}
),

dim_customer_risk as (
    select * from {{ ref('dim_customer_risk') }}
),

rpt_field_worklist as (
    select * from {{ ref('rpt_field_worklist') }}
),

exception_ledger as (
    select * from {{ ref('exception_ledger') }}
),

open_items as (
    select
        invoice_id,
        document_type,
        customer_key,
        owner_assignee_id,
        owner_team,
        invoice_date,
        due_date,
        invoiced_amount,
        credited_amount,
        collected_amount,
        open_amount,
        is_overdue,
        days_past_due,
        aging_bucket,
        collection_stage,
        last_payment_date,
        as_of_date
    from fct_invoices
    where is_open
),

ranked_customer_exceptions as (
    select
        subject_id as customer_key,
        exception_id,
        message_ja,
        row_number() over (partition by subject_id order by opened_at desc, exception_id desc) as recency_rank
    from exception_ledger
    where subject_type = 'customer' and status <> 'resolved'
),

customer_exceptions as (
    select
        customer_key,
        count(*) as open_exception_count,
        max(case when recency_rank = 1 then exception_id end) as latest_open_exception_id,
        max(case when recency_rank = 1 then message_ja end) as latest_open_exception_message_ja
    from ranked_customer_exceptions
    group by customer_key
),

final as (
    select
        open_items.invoice_id,
        open_items.customer_key,
        dim_customer_risk.customer_name,
        open_items.owner_assignee_id,
        open_items.owner_team,
        dim_customer_risk.segment,
        dim_customer_risk.risk_segment,
        dim_customer_risk.risk_segment_label_ja,
        dim_customer_risk.credit_limit_amount,
        dim_customer_risk.credit_limit_used_pct,
        dim_customer_risk.is_over_credit_limit,
        open_items.document_type,
        open_items.invoice_date,
        open_items.due_date,
        open_items.invoiced_amount,
        open_items.credited_amount,
        open_items.collected_amount,
        open_items.open_amount,
        open_items.is_overdue,
        open_items.days_past_due,
        open_items.aging_bucket,
        open_items.collection_stage,
        open_items.last_payment_date,
        rpt_field_worklist.assignee_id as worklist_assignee_id,
        rpt_field_worklist.work_rank,
        rpt_field_worklist.priority_tier,
        coalesce(rpt_field_worklist.has_broken_promise, false) as has_broken_promise,
        coalesce(rpt_field_worklist.has_open_dispute, false) as has_open_dispute,
        rpt_field_worklist.last_promise_date,
        rpt_field_worklist.last_promise_amount,
        {{ count_or_zero('rpt_field_worklist.contact_count') }} as contact_count,
        rpt_field_worklist.last_contact_at,
        rpt_field_worklist.last_contact_channel,
        rpt_field_worklist.last_contact_outcome,
        {{ count_or_zero('customer_exceptions.open_exception_count') }}
            as customer_open_exception_count,
        customer_exceptions.latest_open_exception_id,
        customer_exceptions.latest_open_exception_message_ja,
        open_items.as_of_date
    from open_items
    left join dim_customer_risk
        on open_items.customer_key = dim_customer_risk.customer_key
    left join rpt_field_worklist
        on open_items.invoice_id = rpt_field_worklist.invoice_id
    left join customer_exceptions
        on open_items.customer_key = customer_exceptions.customer_key
)

select * from final
