-- 現場ビュー (field view): today's worklist — for each collector, the open overdue invoices of the
-- accounts they own as of the as-of date, ranked: broken promises and open disputes first, then by
-- priority score = open amount × days past due × the customer's risk weight (与信管理 segment, seed
-- risk_segment_thresholds), ties broken by invoice_id; with the contact history (対応履歴: last
-- contact's date, channel and outcome, number of contacts) and the latest promise to pay.
-- Invoices in legal collection are worked by legal staff through their case and are left out.
with fct_invoices as (
    select * from {{ ref('fct_invoices') }}
),

dim_customer_risk as (
    select * from {{ ref('dim_customer_risk') }}
),

int_promises_evaluated as (
    select * from {{ ref('int_promises_evaluated') }}
),

int_tasks_measured as (
    select * from {{ ref('int_tasks_measured') }}
),

int_invoice_contacts_summarised as (
    select * from {{ ref('int_invoice_contacts_summarised') }}
),

stg_crm__assignees as (
    select * from {{ ref('stg_crm__assignees') }}
),

open_overdue_items as (
    select
        invoice_id,
        customer_key,
        coalesce(owner_assignee_id, '(unassigned)') as assignee_id,
        due_date,
        days_past_due,
        open_amount,
        collection_stage,
        as_of_date
    from fct_invoices
    where is_overdue and coalesce(collection_stage, 'soft') <> 'legal'
),

-- Promises that concern an item: those naming the invoice, and those naming no invoice made on the
-- customer's account; the latest one speaks for the item.
item_promises as (
    select
        open_overdue_items.invoice_id,
        int_promises_evaluated.activity_id,
        int_promises_evaluated.promised_at,
        int_promises_evaluated.promise_date,
        int_promises_evaluated.promise_amount,
        int_promises_evaluated.is_broken
    from open_overdue_items
    inner join int_promises_evaluated on open_overdue_items.invoice_id = int_promises_evaluated.invoice_id
    union all
    select
        open_overdue_items.invoice_id,
        int_promises_evaluated.activity_id,
        int_promises_evaluated.promised_at,
        int_promises_evaluated.promise_date,
        int_promises_evaluated.promise_amount,
        int_promises_evaluated.is_broken
    from open_overdue_items
    inner join int_promises_evaluated on open_overdue_items.customer_key = int_promises_evaluated.customer_key
    where int_promises_evaluated.invoice_id is null
),

latest_promises as (
    select
        invoice_id,
        promise_date,
        promise_amount,
        is_broken,
        row_number() over (partition by invoice_id order by promised_at desc, activity_id desc) as recency_rank
    from item_promises
),

open_disputes as (
    select
        invoice_id,
        count(*) as open_dispute_count
    from int_tasks_measured
    where task_type = 'dispute' and not is_completed and not is_cancelled and invoice_id is not null
    group by invoice_id
),

prioritised as (
    select
        open_overdue_items.*,
        dim_customer_risk.customer_name,
        dim_customer_risk.risk_segment,
        dim_customer_risk.risk_weight,
        cast(
            open_overdue_items.open_amount * open_overdue_items.days_past_due * dim_customer_risk.risk_weight
            as decimal(38, 2)
        ) as priority_score,
        coalesce(latest_promises.is_broken, false) as has_broken_promise,
        open_disputes.invoice_id is not null as has_open_dispute,
        latest_promises.promise_date as last_promise_date,
        latest_promises.promise_amount as last_promise_amount,
        coalesce(int_invoice_contacts_summarised.contact_count, 0) as contact_count,
        int_invoice_contacts_summarised.last_contact_at,
        int_invoice_contacts_summarised.last_contact_date,
        int_invoice_contacts_summarised.last_contact_channel,
        int_invoice_contacts_summarised.last_contact_outcome
    from open_overdue_items
    inner join dim_customer_risk on open_overdue_items.customer_key = dim_customer_risk.customer_key
    left join latest_promises
        on open_overdue_items.invoice_id = latest_promises.invoice_id and latest_promises.recency_rank = 1
    left join open_disputes on open_overdue_items.invoice_id = open_disputes.invoice_id
    left join int_invoice_contacts_summarised
        on open_overdue_items.invoice_id = int_invoice_contacts_summarised.invoice_id
),

ranked as (
    select
        prioritised.*,
        case when prioritised.has_broken_promise or prioritised.has_open_dispute then 1 else 2 end as priority_tier,
        row_number() over (
            partition by prioritised.assignee_id
            order by
                case when prioritised.has_broken_promise or prioritised.has_open_dispute then 1 else 2 end,
                prioritised.priority_score desc,
                prioritised.invoice_id
        ) as work_rank
    from prioritised
),

final as (
    select
        ranked.assignee_id,
        stg_crm__assignees.assignee_name,
        coalesce(stg_crm__assignees.team, '(unknown)') as team,
        cast(ranked.work_rank as bigint) as work_rank,
        cast(ranked.priority_tier as integer) as priority_tier,
        ranked.invoice_id,
        ranked.customer_key,
        ranked.customer_name,
        ranked.due_date,
        cast(ranked.days_past_due as bigint) as days_past_due,
        cast(ranked.open_amount as decimal(38, 2)) as open_amount,
        ranked.collection_stage,
        ranked.risk_segment,
        ranked.risk_weight,
        ranked.priority_score,
        ranked.has_broken_promise,
        ranked.has_open_dispute,
        ranked.last_promise_date,
        ranked.last_promise_amount,
        cast(ranked.contact_count as bigint) as contact_count,
        ranked.last_contact_at,
        ranked.last_contact_date,
        ranked.last_contact_channel,
        ranked.last_contact_outcome,
        ranked.as_of_date
    from ranked
    left join stg_crm__assignees on ranked.assignee_id = stg_crm__assignees.assignee_id
)

select * from final
