-- 与信残高 net of 仮受金: one row per customer (the unresolved one included) as of the as-of date: open AR
-- (int_invoices_aged), the deposits resolved to the customer that cash application has not applied yet
-- (int_deposits_unapplied), net exposure = open AR − unapplied deposits, and both against the credit limit.
-- A deposit that could not be resolved to a customer nets off nobody's exposure.
with int_customers_attributed as (
    select * from {{ ref('int_customers_attributed') }}
),

int_invoices_aged as (
    select * from {{ ref('int_invoices_aged') }}
),

int_deposits_unapplied as (
    select * from {{ ref('int_deposits_unapplied') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

open_items as (
    select
        customer_key,
        sum(open_amount) as open_ar_amount
    from int_invoices_aged
    where is_open
    group by customer_key
),

unapplied as (
    select
        customer_key,
        count(*) as unapplied_deposit_count,
        sum(unapplied_amount) as unapplied_deposit_amount
    from int_deposits_unapplied
    where match_status = 'resolved'
    group by customer_key
),

measured as (
    select
        int_customers_attributed.customer_key,
        int_customers_attributed.customer_name,
        int_reporting_dates.as_of_date,
        coalesce(open_items.open_ar_amount, 0) as open_ar_amount,
        {{ count_or_zero('unapplied.unapplied_deposit_count') }} as unapplied_deposit_count,
        coalesce(unapplied.unapplied_deposit_amount, 0) as unapplied_deposit_amount,
        case when int_customers_attributed.credit_limit > 0 then int_customers_attributed.credit_limit end
            as credit_limit_amount
    from int_customers_attributed
    cross join int_reporting_dates
    left join open_items
        on int_customers_attributed.customer_key = open_items.customer_key
    left join unapplied
        on int_customers_attributed.customer_key = unapplied.customer_key
),

final as (
    select
        customer_key,
        customer_name,
        as_of_date,
        open_ar_amount,
        unapplied_deposit_count,
        unapplied_deposit_amount,
        open_ar_amount - unapplied_deposit_amount as net_exposure_amount,
        credit_limit_amount,
        {{ pct('open_ar_amount', 'credit_limit_amount') }} as credit_limit_used_pct,
        {{ pct('open_ar_amount - unapplied_deposit_amount', 'credit_limit_amount') }} as net_credit_limit_used_pct
    from measured
)

select * from final
