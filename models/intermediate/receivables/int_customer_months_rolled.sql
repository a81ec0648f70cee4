-- The AR roll-forward parts of kpis.md at their finest grain, customer × month: what was invoiced,
-- credited, collected, deducted as fees and written off in the month, the ending AR split into
-- current and overdue at the period end, and the due-basis parts of the late-payment ratio and the
-- delinquent-debtor count. Every part is additive: any roll-up sums them and divides last.
with events as (
    select * from {{ ref('int_receivable_events_unioned') }}
),

invoices as (
    select * from {{ ref('int_invoices_resolved') }}
),

balances as (
    select * from {{ ref('int_invoice_balances_versioned') }}
),

stages as (
    select * from {{ ref('int_invoice_stages_dated') }}
),

months as (
    select * from {{ ref('int_months_spanned') }}
),

reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

customer_events as (
    select
        invoices.customer_key,
        {{ month_start('events.event_date') }} as month_start,
        events.event_type,
        events.open_amount_effect
    from events
    inner join invoices on events.invoice_id = invoices.invoice_id
),

monthly_flows as (
    select
        customer_key,
        month_start,
        sum(case when event_type = 'invoice' then open_amount_effect else 0 end) as credit_sales,
        sum(case when event_type = 'credit_note' then open_amount_effect else 0 end) as credit_notes,
        -1 * sum(
            case
                when event_type in ('cash_applied', 'application_reversed', 'note_received', 'note_dishonoured')
                    then open_amount_effect
                else 0
            end
        )
            as collections,
        -1 * sum(case when event_type = 'fee_deducted' then open_amount_effect else 0 end) as fees_deducted,
        -1 * sum(case when event_type = 'written_off' then open_amount_effect else 0 end) as write_offs,
        sum(open_amount_effect) as net_change
    from customer_events
    group by customer_key, month_start
),

customer_first_months as (
    select customer_key, min(month_start) as first_month_start
    from monthly_flows
    group by customer_key
),

customer_months as (
    select customer_first_months.customer_key, months.month_start, months.period_end_date
    from customer_first_months
    inner join months on months.month_start >= customer_first_months.first_month_start
),

-- Open amounts at each period end, split by whether the invoice was due by then (kpis.md:
-- ending_current_ar = invoices whose due_date is after the month's last day).
period_end_balances as (
    select
        balances.customer_key,
        months.month_start,
        sum(case when balances.due_date > months.period_end_date then balances.open_amount else 0 end)
            as ending_current_ar
    from balances
    inner join months
        on
            balances.valid_from <= months.period_end_date
            and (balances.valid_to > months.period_end_date or balances.valid_to is null)
    group by balances.customer_key, months.month_start
),

-- Due basis (kpis.md late_payment_ratio_pct): invoices due in the month, their amount net of credit
-- notes dated on or before the due date, and what was still open at the end of the due date.
incurred_by_due_date as (
    select
        events.invoice_id,
        sum(events.open_amount_effect) as due_invoice_amount
    from events
    inner join stages on events.invoice_id = stages.invoice_id
    where events.ledger_axis = 'incurrence' and events.event_date <= stages.due_date
    group by events.invoice_id
),

due_invoices as (
    select
        stages.customer_key,
        {{ month_start('stages.due_date') }} as month_start,
        count(*) as invoices_due_count,
        sum(incurred_by_due_date.due_invoice_amount) as due_invoice_amount,
        sum(stages.open_at_due_amount) as unpaid_at_due_amount
    from stages
    inner join invoices on stages.invoice_id = invoices.invoice_id
    inner join incurred_by_due_date on stages.invoice_id = incurred_by_due_date.invoice_id
    cross join reporting_dates
    where invoices.document_type = 'invoice' and stages.due_date <= reporting_dates.as_of_date
    group by stages.customer_key, {{ month_start('stages.due_date') }}
),

rolled as (
    select
        customer_months.customer_key,
        customer_months.month_start,
        coalesce(monthly_flows.credit_sales, 0) as credit_sales,
        coalesce(monthly_flows.credit_notes, 0) as credit_notes,
        coalesce(monthly_flows.collections, 0) as collections,
        coalesce(monthly_flows.fees_deducted, 0) as fees_deducted,
        coalesce(monthly_flows.write_offs, 0) as write_offs,
        sum(coalesce(monthly_flows.net_change, 0)) over (
            partition by customer_months.customer_key order by customer_months.month_start
            rows between unbounded preceding and current row
        ) as ending_ar,
        coalesce(period_end_balances.ending_current_ar, 0) as ending_current_ar,
        coalesce(due_invoices.invoices_due_count, 0) as invoices_due_count,
        coalesce(due_invoices.due_invoice_amount, 0) as due_invoice_amount,
        coalesce(due_invoices.unpaid_at_due_amount, 0) as unpaid_at_due_amount
    from customer_months
    left join monthly_flows
        on
            customer_months.customer_key = monthly_flows.customer_key
            and customer_months.month_start = monthly_flows.month_start
    left join period_end_balances
        on
            customer_months.customer_key = period_end_balances.customer_key
            and customer_months.month_start = period_end_balances.month_start
    left join due_invoices
        on
            customer_months.customer_key = due_invoices.customer_key
            and customer_months.month_start = due_invoices.month_start
),

final as (
    select
        customer_key,
        month_start,
        ending_ar - (credit_sales + credit_notes - collections - fees_deducted - write_offs) as beginning_ar,
        credit_sales,
        credit_notes,
        credit_sales + credit_notes as net_credit_sales,
        collections,
        fees_deducted,
        write_offs,
        ending_ar,
        ending_current_ar,
        ending_ar - ending_current_ar as ending_overdue_ar,
        invoices_due_count,
        due_invoice_amount,
        unpaid_at_due_amount,
        case when ending_ar - ending_current_ar > 0 then 1 else 0 end as delinquent_debtor_count,
        case when invoices_due_count > 0 or ending_ar - ending_current_ar > 0 then 1 else 0 end
            as debtors_in_scope_count
    from rolled
)

select * from final
