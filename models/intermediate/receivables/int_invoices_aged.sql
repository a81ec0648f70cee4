-- One row per receivable invoice as of as_of_date (fct_invoices, 請求書別債権, publishes it): invoiced,
-- credited, collected, fees, written off and open amounts (int_invoice_amounts_summed); payment dates;
-- days past due and aging bucket; the collection stage it has reached; the customer's owner, team and
-- segment. (A credit note that names its invoice is folded into that invoice.) Intermediate models
-- that need an invoice's open amount or age (contact history, credit risk) read it here.
with invoices as (
    select * from {{ ref('int_invoices_resolved') }}
),

amounts as (
    select * from {{ ref('int_invoice_amounts_summed') }}
),

stages as (
    select * from {{ ref('int_invoice_stages_dated') }}
),

aging_buckets as (
    select * from {{ ref('aging_buckets') }}
),

int_customers_attributed as (
    select * from {{ ref('int_customers_attributed') }}
),

reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

receivables as (
    select * from invoices where invoice_id = receivable_invoice_id
),

measured as (
    select
        receivables.invoice_id,
        receivables.document_type,
        receivables.customer_key,
        receivables.billing_customer_id,
        receivables.deal_id,
        receivables.sales_rep_id,
        receivables.issue_method,
        receivables.invoice_date,
        receivables.receivable_due_date as due_date,
        receivables.delivered_date,
        amounts.invoiced_amount,
        amounts.credited_amount,
        amounts.collected_amount,
        amounts.fees_deducted_amount,
        amounts.written_off_amount,
        amounts.open_amount,
        amounts.first_payment_date,
        amounts.last_payment_date,
        stages.open_at_due_amount,
        stages.soft_entered_date,
        stages.hard_entered_date,
        stages.legal_entered_date,
        {{ days_between('receivables.receivable_due_date', 'reporting_dates.as_of_date') }} as days_from_due_date,
        reporting_dates.as_of_date
    from receivables
    cross join reporting_dates
    inner join amounts on receivables.invoice_id = amounts.invoice_id
    inner join stages on receivables.invoice_id = stages.invoice_id
),

final as (
    select
        measured.invoice_id,
        measured.document_type,
        measured.customer_key,
        measured.billing_customer_id,
        int_customers_attributed.owner_assignee_id,
        int_customers_attributed.owner_team,
        int_customers_attributed.segment,
        measured.deal_id,
        measured.sales_rep_id,
        measured.issue_method,
        measured.invoice_date,
        measured.due_date,
        measured.delivered_date,
        measured.invoiced_amount,
        measured.credited_amount,
        measured.collected_amount,
        measured.fees_deducted_amount,
        measured.written_off_amount,
        measured.open_amount,
        measured.open_amount <> 0 as is_open,
        measured.open_amount > 0 and measured.days_from_due_date > 0 as is_overdue,
        measured.first_payment_date,
        measured.last_payment_date,
        case
            when
                measured.open_amount <= 0 and measured.written_off_amount = 0 and measured.last_payment_date is not null
                then {{ days_between('measured.invoice_date', 'measured.last_payment_date') }}
        end as days_to_pay,
        case when measured.open_amount > 0 then greatest(measured.days_from_due_date, 0) end as days_past_due,
        case when measured.open_amount <> 0 then aging_buckets.aging_bucket end as aging_bucket,
        case
            when measured.legal_entered_date is not null then 'legal'
            when measured.hard_entered_date is not null then 'hard'
            when measured.soft_entered_date is not null then 'soft'
        end as collection_stage,
        measured.soft_entered_date,
        measured.hard_entered_date,
        measured.legal_entered_date,
        measured.as_of_date
    from measured
    inner join int_customers_attributed on measured.customer_key = int_customers_attributed.customer_key
    left join aging_buckets
        on measured.days_from_due_date between aging_buckets.min_days_past_due and aging_buckets.max_days_past_due
)

select * from final
