-- Each deposit received on or before the as-of date that has an unapplied remainder at the as-of
-- date: deposit amount − applications net of reversals (a reversed application gives its amount
-- back), with the customer the deposit was resolved to (名寄せ). fct_unapplied_deposits (未消込入金)
-- publishes it; the candidate matcher (int_deposit_candidates_ranked) works on it.
with int_deposits_resolved as (
    select * from {{ ref('int_deposits_resolved') }}
),

int_cash_applications_resolved as (
    select * from {{ ref('int_cash_applications_resolved') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

-- Net of reversals: a reversed application gives its amount back to the deposit.
deposit_applications as (
    select
        bank_transaction_id,
        sum(applied_amount) as applied_amount
    from int_cash_applications_resolved
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
    select * from deposits
    where unapplied_amount > 0
)

select * from final
