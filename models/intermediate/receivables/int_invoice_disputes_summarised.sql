-- 係争 (disputes) per invoice as of the as-of date: every invoice a CRM activity recorded as disputed
-- (outcome `dispute`) or a `dispute` task names, with the amount the customer disputes (the latest
-- dispute activity that states one), whether a dispute task is still open, when the last one was done,
-- and the receivable ledger's figures for the invoice (int_invoices_aged). fct_invoice_disputes publishes it.
with stg_crm__activities as (
    select * from {{ ref('stg_crm__activities') }}
),

stg_crm__tasks as (
    select * from {{ ref('stg_crm__tasks') }}
),

int_invoices_aged as (
    select * from {{ ref('int_invoices_aged') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

dispute_activities as (
    select
        stg_crm__activities.invoice_id,
        cast(stg_crm__activities.activity_at as date) as disputed_date,
        stg_crm__activities.activity_at,
        stg_crm__activities.disputed_amount
    from stg_crm__activities
    cross join int_reporting_dates
    where
        stg_crm__activities.outcome = 'dispute'
        and stg_crm__activities.invoice_id is not null
        and cast(stg_crm__activities.activity_at as date) <= int_reporting_dates.as_of_date
),

activity_disputes as (
    select
        invoice_id,
        min(disputed_date) as first_disputed_date,
        count(*) as dispute_activity_count
    from dispute_activities
    group by invoice_id
),

-- The customer's latest statement of what it disputes.
stated_amounts as (
    select
        invoice_id,
        disputed_amount,
        row_number() over (partition by invoice_id order by activity_at desc) as recency
    from dispute_activities
    where disputed_amount is not null
),

dispute_tasks as (
    select
        stg_crm__tasks.invoice_id,
        min(cast(stg_crm__tasks.created_at as date)) as first_task_date,
        count(*) as dispute_task_count,
        sum(case when stg_crm__tasks.task_status = 'open' then 1 else 0 end) as open_dispute_task_count,
        max(
            case
                when
                    stg_crm__tasks.task_status = 'done'
                    and cast(stg_crm__tasks.completed_at as date) <= int_reporting_dates.as_of_date
                    then cast(stg_crm__tasks.completed_at as date)
            end
        ) as last_resolved_date
    from stg_crm__tasks
    cross join int_reporting_dates
    where
        stg_crm__tasks.task_type = 'dispute'
        and stg_crm__tasks.invoice_id is not null
        and cast(stg_crm__tasks.created_at as date) <= int_reporting_dates.as_of_date
    group by stg_crm__tasks.invoice_id
),

disputed_invoices as (
    select invoice_id from activity_disputes
    union
    select invoice_id from dispute_tasks
),

final as (
    select
        disputed_invoices.invoice_id,
        int_invoices_aged.customer_key,
        int_invoices_aged.owner_assignee_id,
        int_invoices_aged.due_date,
        case
            when activity_disputes.first_disputed_date is null then dispute_tasks.first_task_date
            when dispute_tasks.first_task_date is null then activity_disputes.first_disputed_date
            when dispute_tasks.first_task_date < activity_disputes.first_disputed_date
                then dispute_tasks.first_task_date
            else activity_disputes.first_disputed_date
        end as first_disputed_date,
        {{ count_or_zero('activity_disputes.dispute_activity_count') }} as dispute_activity_count,
        {{ count_or_zero('dispute_tasks.dispute_task_count') }} as dispute_task_count,
        coalesce(dispute_tasks.open_dispute_task_count, 0) > 0 as is_dispute_open,
        dispute_tasks.last_resolved_date,
        stated_amounts.disputed_amount,
        int_invoices_aged.invoiced_amount,
        int_invoices_aged.credited_amount,
        int_invoices_aged.open_amount,
        -- What of the open amount is held by an open dispute: the stated amount, at most what is open.
        case
            when coalesce(dispute_tasks.open_dispute_task_count, 0) = 0 or int_invoices_aged.open_amount <= 0 then 0
            when stated_amounts.disputed_amount is null then int_invoices_aged.open_amount
            when stated_amounts.disputed_amount < int_invoices_aged.open_amount then stated_amounts.disputed_amount
            else int_invoices_aged.open_amount
        end as disputed_open_amount
    from disputed_invoices
    inner join int_invoices_aged
        on disputed_invoices.invoice_id = int_invoices_aged.invoice_id
    left join activity_disputes
        on disputed_invoices.invoice_id = activity_disputes.invoice_id
    left join dispute_tasks
        on disputed_invoices.invoice_id = dispute_tasks.invoice_id
    left join stated_amounts
        on
            disputed_invoices.invoice_id = stated_amounts.invoice_id
            and stated_amounts.recency = 1
)

select * from final
