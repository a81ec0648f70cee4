-- 仮受金 over time: for each deposit resolved to a customer and received on or before the as-of date,
-- its unapplied remainder from each date it changed (received, then each application or reversal up to
-- the as-of date), never below zero, and the change that date made to it. The credit-limit rule nets it
-- off the customer's open AR day by day.
with int_deposits_resolved as (
    select * from {{ ref('int_deposits_resolved') }}
),

int_cash_applications_resolved as (
    select * from {{ ref('int_cash_applications_resolved') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

deposits as (
    select
        int_deposits_resolved.bank_transaction_id,
        int_deposits_resolved.customer_key,
        int_deposits_resolved.value_date,
        int_deposits_resolved.deposit_amount
    from int_deposits_resolved
    cross join int_reporting_dates
    where
        int_deposits_resolved.value_date <= int_reporting_dates.as_of_date
        and int_deposits_resolved.match_status = 'resolved'
),

movements as (
    select
        bank_transaction_id,
        value_date as change_date,
        deposit_amount as amount_change
    from deposits
    union all
    select
        int_cash_applications_resolved.bank_transaction_id,
        int_cash_applications_resolved.applied_date as change_date,
        -int_cash_applications_resolved.applied_amount as amount_change
    from int_cash_applications_resolved
    inner join deposits
        on int_cash_applications_resolved.bank_transaction_id = deposits.bank_transaction_id
),

daily_movements as (
    select
        bank_transaction_id,
        change_date,
        sum(amount_change) as amount_change
    from movements
    group by bank_transaction_id, change_date
),

balances as (
    select
        bank_transaction_id,
        change_date,
        sum(amount_change) over (
            partition by bank_transaction_id order by change_date rows between unbounded preceding and current row
        ) as remaining_amount
    from daily_movements
),

-- An over-applied deposit holds no cash for anyone: its remainder counts as zero.
clamped as (
    select
        bank_transaction_id,
        change_date,
        case when remaining_amount > 0 then remaining_amount else 0 end as unapplied_amount
    from balances
),

final as (
    select
        deposits.customer_key,
        clamped.bank_transaction_id,
        clamped.change_date,
        cast(clamped.unapplied_amount as decimal(18, 2)) as unapplied_amount,
        cast(
            clamped.unapplied_amount
            - coalesce(
                lag(clamped.unapplied_amount) over (
                    partition by clamped.bank_transaction_id order by clamped.change_date
                ),
                0
            )
            as decimal(18, 2)
        ) as unapplied_amount_change
    from clamped
    inner join deposits
        on clamped.bank_transaction_id = deposits.bank_transaction_id
)

select * from final
