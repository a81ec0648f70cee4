-- 未消込入金 (unapplied deposits): each deposit received up to the as-of date that cash application
-- has not fully applied by then, with its customer, what has been applied and what is left.
with int_deposits_resolved as (
    select * from {{ ref('int_deposits_resolved') }}
),

fct_cash_applications as (
    select * from {{ ref('fct_cash_applications') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

-- Net of reversals: a reversed application gives its amount back to the deposit.
deposit_applications as (
    select
        bank_transaction_id,
        sum(applied_amount) as applied_amount
    from fct_cash_applications
    group by bank_transaction_id
),

deposits as (
    select
        int_deposits_resolved.bank_transaction_id,
        int_deposits_resolved.bank_account_id,
        int_deposits_resolved.value_date,
        int_deposits_resolved.customer_key,
        int_deposits_resolved.match_status,
        int_deposits_resolved.remitter_name,
        int_deposits_resolved.edi_invoice_id,
        int_deposits_resolved.deposit_amount,
        coalesce(deposit_applications.applied_amount, 0) as applied_amount,
        int_deposits_resolved.deposit_amount - coalesce(deposit_applications.applied_amount, 0) as unapplied_amount,
        int_reporting_dates.as_of_date
    from int_deposits_resolved
    cross join int_reporting_dates
    left join deposit_applications
        on int_deposits_resolved.bank_transaction_id = deposit_applications.bank_transaction_id
    where int_deposits_resolved.value_date <= int_reporting_dates.as_of_date
),

final as (
    select
        bank_transaction_id,
        bank_account_id,
        value_date,
        customer_key,
        match_status as customer_match_status,
        remitter_name,
        edi_invoice_id,
        cast(deposit_amount as decimal(18, 2)) as deposit_amount,
        cast(applied_amount as decimal(18, 2)) as applied_amount,
        cast(unapplied_amount as decimal(18, 2)) as unapplied_amount,
        applied_amount <> 0 as is_partially_applied,
        cast({{ dbt.datediff('value_date', 'as_of_date', 'day') }} as {{ dbt.type_int() }}) as unapplied_days
    from deposits
    where unapplied_amount > 0
)

select * from final
