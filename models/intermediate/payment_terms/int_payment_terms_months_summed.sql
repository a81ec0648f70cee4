-- Per payment-terms segment and month of int_months_spanned: the receivable parts of the segment's
-- customers (ending AR, its overdue part, net credit sales) summed from int_customer_months_rolled, and
-- how many customers had a balance or sales. A customer without parsed terms is `(unassigned)` (no
-- text) or `(unparsed)`; the unresolved customer is `(unassigned)`.
with int_customer_months_rolled as (
    select * from {{ ref('int_customer_months_rolled') }}
),

int_customers_attributed as (
    select * from {{ ref('int_customers_attributed') }}
),

int_months_spanned as (
    select * from {{ ref('int_months_spanned') }}
),

customer_segments as (
    select customer_key, payment_terms_segment
    from int_customers_attributed
),

segment_parts as (
    select
        coalesce(customer_segments.payment_terms_segment, '(unassigned)') as payment_terms_segment,
        int_customer_months_rolled.month_start,
        sum(
            case
                when int_customer_months_rolled.ending_ar <> 0 or int_customer_months_rolled.net_credit_sales <> 0
                    then 1
                else 0
            end
        ) as customers_count,
        sum(int_customer_months_rolled.ending_ar) as ending_ar_amount,
        sum(int_customer_months_rolled.ending_overdue_ar) as ending_overdue_ar_amount,
        sum(int_customer_months_rolled.net_credit_sales) as net_credit_sales_amount
    from int_customer_months_rolled
    left join customer_segments
        on int_customer_months_rolled.customer_key = customer_segments.customer_key
    group by
        coalesce(customer_segments.payment_terms_segment, '(unassigned)'),
        int_customer_months_rolled.month_start
),

segments as (
    select distinct payment_terms_segment from segment_parts
),

final as (
    select
        segments.payment_terms_segment,
        int_months_spanned.month_start,
        int_months_spanned.days_in_period,
        {{ count_or_zero('segment_parts.customers_count') }} as customers_count,
        cast(coalesce(segment_parts.ending_ar_amount, 0) as decimal(38, 2)) as ending_ar_amount,
        cast(coalesce(segment_parts.ending_overdue_ar_amount, 0) as decimal(38, 2)) as ending_overdue_ar_amount,
        cast(coalesce(segment_parts.net_credit_sales_amount, 0) as decimal(38, 2)) as net_credit_sales_amount
    from int_months_spanned
    cross join segments
    left join segment_parts
        on
            int_months_spanned.month_start = segment_parts.month_start
            and segments.payment_terms_segment = segment_parts.payment_terms_segment
)

select * from final
