-- 支払条件別KPI — per payment-terms segment (the parsed terms, e.g. 月末締め翌月末払い) and month: the
-- parts of DSO and of the overdue ratio summed over the segment's customers (from fct_ar_monthly, the
-- same parts as fct_kpi_monthly), and the two KPIs. Long terms raise DSO by design: comparing a segment
-- with its own terms shows who pays late.
with int_payment_terms_months_summed as (
    select * from {{ ref('int_payment_terms_months_summed') }}
),

final as (
    select
        payment_terms_segment,
        month_start,
        days_in_period,
        customers_count,
        ending_ar_amount,
        ending_overdue_ar_amount,
        net_credit_sales_amount,
        {{ pct('ending_ar_amount', 'net_credit_sales_amount', scale='days_in_period') }} as dso_days,
        {{ pct('ending_overdue_ar_amount', 'ending_ar_amount') }} as overdue_ratio_pct
    from int_payment_terms_months_summed
)

select * from final
