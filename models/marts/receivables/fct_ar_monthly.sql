-- 月次売掛金推移 — the AR roll-forward per customer and month (kpis.md, monthly parts):
-- ending_ar = beginning_ar + net_credit_sales − collections − fees_deducted − write_offs, with the
-- customer's owner collector, team and segment so any BI tool sums the parts and divides last.
with rolled as (
    select * from {{ ref('int_customer_months_rolled') }}
),

months as (
    select * from {{ ref('int_months_spanned') }}
),

dim_customer as (
    select * from {{ ref('dim_customer') }}
),

final as (
    select
        rolled.customer_key,
        rolled.month_start,
        months.month_end_date,
        months.period_end_date,
        months.days_in_period,
        dim_customer.owner_assignee_id,
        dim_customer.owner_team,
        dim_customer.segment,
        dim_customer.industry,
        rolled.beginning_ar,
        rolled.credit_sales,
        rolled.credit_notes,
        rolled.net_credit_sales,
        rolled.collections,
        rolled.fees_deducted,
        rolled.write_offs,
        rolled.ending_ar,
        rolled.ending_current_ar,
        rolled.ending_overdue_ar,
        rolled.invoices_due_count,
        rolled.due_invoice_amount,
        rolled.unpaid_at_due_amount,
        rolled.delinquent_debtor_count,
        rolled.debtors_in_scope_count
    from rolled
    inner join months on rolled.month_start = months.month_start
    inner join dim_customer on rolled.customer_key = dim_customer.customer_key
)

select * from final
