-- 与信残高 (credit exposure) net of 仮受金: one row per customer as of the as-of date, open AR less the
-- deposits resolved to the customer that are not applied yet, against the credit limit.
with int_customer_exposures_netted as (
    select * from {{ ref('int_customer_exposures_netted') }}
),

final as (
    select
        customer_key,
        customer_name,
        as_of_date,
        cast(open_ar_amount as decimal(38, 2)) as open_ar_amount,
        unapplied_deposit_count,
        cast(unapplied_deposit_amount as decimal(38, 2)) as unapplied_deposit_amount,
        cast(net_exposure_amount as decimal(38, 2)) as net_exposure_amount,
        cast(credit_limit_amount as decimal(38, 2)) as credit_limit_amount,
        credit_limit_used_pct,
        net_credit_limit_used_pct,
        coalesce(net_credit_limit_used_pct > 100, false) as is_net_over_credit_limit
    from int_customer_exposures_netted
)

select * from final
