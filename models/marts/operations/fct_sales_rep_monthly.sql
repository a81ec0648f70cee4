-- 営業担当別 延滞債権対売上 — one row per sales rep (営業担当, the invoice's sales_rep_id) and calendar
-- month: the overdue AR of the rep's invoices at the period end and the credit sales of the rep's
-- invoices in the month, and their ratio (seed document 004: соотношение размера дохода и
-- просроченной задолженности на менеджера по продажам). Invoices without a sales rep are
-- `(unassigned)`, so the reps together tie to the company's ending_overdue_ar and credit_sales.
with int_months_spanned as (
    select * from {{ ref('int_months_spanned') }}
),

int_receivable_events_unioned as (
    select * from {{ ref('int_receivable_events_unioned') }}
),

int_invoices_resolved as (
    select * from {{ ref('int_invoices_resolved') }}
),

int_invoice_balances_versioned as (
    select * from {{ ref('int_invoice_balances_versioned') }}
),

stg_crm__assignees as (
    select * from {{ ref('stg_crm__assignees') }}
),

invoice_reps as (
    select
        invoice_id,
        coalesce(sales_rep_id, '(unassigned)') as sales_rep_id
    from int_invoices_resolved
),

-- Credit sales (掛売上): invoices, not credit notes, by invoice date, for the invoice's own sales rep.
monthly_credit_sales as (
    select
        invoice_reps.sales_rep_id,
        {{ month_start('int_receivable_events_unioned.event_date') }} as month_start,
        sum(int_receivable_events_unioned.open_amount_effect) as credit_sales_amount
    from int_receivable_events_unioned
    inner join invoice_reps on int_receivable_events_unioned.source_document_id = invoice_reps.invoice_id
    where int_receivable_events_unioned.event_type = 'invoice'
    group by invoice_reps.sales_rep_id, {{ month_start('int_receivable_events_unioned.event_date') }}
),

-- AR at the period end, overdue when the receivable's due date is on or before the period end
-- (kpis.md: ending_current_ar is what falls due after it).
period_end_balances as (
    select
        invoice_reps.sales_rep_id,
        int_months_spanned.month_start,
        sum(int_invoice_balances_versioned.open_amount) as ending_ar_amount,
        sum(
            case
                when int_invoice_balances_versioned.due_date <= int_months_spanned.period_end_date
                    then int_invoice_balances_versioned.open_amount
                else 0
            end
        ) as ending_overdue_ar_amount
    from int_invoice_balances_versioned
    inner join invoice_reps on int_invoice_balances_versioned.invoice_id = invoice_reps.invoice_id
    inner join int_months_spanned
        on
            int_invoice_balances_versioned.valid_from <= int_months_spanned.period_end_date
            and (
                int_invoice_balances_versioned.valid_to > int_months_spanned.period_end_date
                or int_invoice_balances_versioned.valid_to is null
            )
    group by invoice_reps.sales_rep_id, int_months_spanned.month_start
),

sales_reps as (
    select distinct sales_rep_id from invoice_reps
),

grid as (
    select
        sales_reps.sales_rep_id,
        int_months_spanned.month_start,
        int_months_spanned.month_end_date,
        int_months_spanned.period_end_date,
        int_months_spanned.is_month_in_progress
    from sales_reps
    cross join int_months_spanned
),

measured as (
    select
        grid.*,
        coalesce(monthly_credit_sales.credit_sales_amount, 0) as credit_sales_amount,
        coalesce(period_end_balances.ending_ar_amount, 0) as ending_ar_amount,
        coalesce(period_end_balances.ending_overdue_ar_amount, 0) as ending_overdue_ar_amount
    from grid
    left join monthly_credit_sales
        on
            grid.sales_rep_id = monthly_credit_sales.sales_rep_id
            and grid.month_start = monthly_credit_sales.month_start
    left join period_end_balances
        on
            grid.sales_rep_id = period_end_balances.sales_rep_id
            and grid.month_start = period_end_balances.month_start
),

final as (
    select
        measured.sales_rep_id,
        measured.month_start,
        measured.month_end_date,
        measured.period_end_date,
        measured.is_month_in_progress,
        stg_crm__assignees.assignee_name as sales_rep_name,
        stg_crm__assignees.team,
        cast(measured.credit_sales_amount as decimal(38, 2)) as credit_sales_amount,
        cast(measured.ending_ar_amount as decimal(38, 2)) as ending_ar_amount,
        cast(measured.ending_overdue_ar_amount as decimal(38, 2)) as ending_overdue_ar_amount,
        {{ pct(
            'measured.ending_overdue_ar_amount',
            'measured.credit_sales_amount'
        ) }} as overdue_to_revenue_pct
    from measured
    left join stg_crm__assignees on measured.sales_rep_id = stg_crm__assignees.assignee_id
)

select * from final
