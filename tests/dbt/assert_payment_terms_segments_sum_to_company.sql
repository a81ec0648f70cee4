-- Rule: the payment-terms segments of fct_payment_terms_monthly add up to the company each month
-- (fct_kpi_monthly's ending AR, overdue AR and net credit sales).
with fct_payment_terms_monthly as (
    select * from {{ ref('fct_payment_terms_monthly') }}
),

fct_kpi_monthly as (
    select * from {{ ref('fct_kpi_monthly') }}
),

segments_summed as (
    select
        month_start,
        sum(ending_ar_amount) as ending_ar_amount,
        sum(ending_overdue_ar_amount) as ending_overdue_ar_amount,
        sum(net_credit_sales_amount) as net_credit_sales_amount
    from fct_payment_terms_monthly
    group by month_start
),

final as (
    select
        fct_kpi_monthly.month_start,
        fct_kpi_monthly.ending_ar,
        segments_summed.ending_ar_amount,
        fct_kpi_monthly.ending_overdue_ar,
        segments_summed.ending_overdue_ar_amount,
        fct_kpi_monthly.net_credit_sales,
        segments_summed.net_credit_sales_amount
    from fct_kpi_monthly
    left join segments_summed
        on fct_kpi_monthly.month_start = segments_summed.month_start
)

select *
from final
where
    coalesce(ending_ar_amount, 0) <> ending_ar
    or coalesce(ending_overdue_ar_amount, 0) <> ending_overdue_ar
    or coalesce(net_credit_sales_amount, 0) <> net_credit_sales
