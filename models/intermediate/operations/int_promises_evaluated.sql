-- One row per promise to pay (約束) recorded by the as-of date, with what was paid against it.
-- A promise is kept when the cash applied between the day of the promise and the promised date
-- (both inclusive, up to the as-of date) reaches the promised amount: on the promised invoice, or on
-- any of the customer's invoices when the promise names none. A transfer fee the customer deducted
-- (振込手数料, borne by the company) counts as paid, since it settles the invoice as agreed.
-- A promise is due once its date is on or before the as-of date; due and not kept is broken.
with stg_crm__activities as (
    select * from {{ ref('stg_crm__activities') }}
),

int_customer_identifiers_resolved as (
    select * from {{ ref('int_customer_identifiers_resolved') }}
),

int_cash_applications_resolved as (
    select * from {{ ref('int_cash_applications_resolved') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

crm_customers as (
    select
        source_identifier as crm_account_id,
        customer_key
    from int_customer_identifiers_resolved
    where source_system = 'crm' and match_status = 'resolved'
),

promises as (
    select
        stg_crm__activities.activity_id,
        stg_crm__activities.assignee_id,
        stg_crm__activities.crm_account_id,
        crm_customers.customer_key,
        stg_crm__activities.invoice_id,
        stg_crm__activities.activity_at as promised_at,
        cast(stg_crm__activities.activity_at as date) as promised_on_date,
        stg_crm__activities.promise_date,
        stg_crm__activities.promise_amount,
        int_reporting_dates.as_of_date
    from stg_crm__activities
    cross join int_reporting_dates
    left join crm_customers on stg_crm__activities.crm_account_id = crm_customers.crm_account_id
    where
        stg_crm__activities.outcome = 'promise_to_pay'
        and stg_crm__activities.promise_date is not null
        and cast(stg_crm__activities.activity_at as date) <= int_reporting_dates.as_of_date
),

-- Two equi-joins rather than one join on an `or`, so every engine can hash them.
payments_on_invoice as (
    select
        promises.activity_id,
        int_cash_applications_resolved.applied_date,
        int_cash_applications_resolved.applied_amount
        + int_cash_applications_resolved.fee_deducted_amount as paid_amount
    from promises
    inner join int_cash_applications_resolved on promises.invoice_id = int_cash_applications_resolved.invoice_id
    where
        int_cash_applications_resolved.applied_date >= promises.promised_on_date
        and int_cash_applications_resolved.applied_date <= promises.promise_date
        and int_cash_applications_resolved.applied_date <= promises.as_of_date
),

payments_on_customer as (
    select
        promises.activity_id,
        int_cash_applications_resolved.applied_date,
        int_cash_applications_resolved.applied_amount
        + int_cash_applications_resolved.fee_deducted_amount as paid_amount
    from promises
    inner join int_cash_applications_resolved on promises.customer_key = int_cash_applications_resolved.customer_key
    where
        promises.invoice_id is null
        and int_cash_applications_resolved.applied_date >= promises.promised_on_date
        and int_cash_applications_resolved.applied_date <= promises.promise_date
        and int_cash_applications_resolved.applied_date <= promises.as_of_date
),

payments as (
    select * from payments_on_invoice
    union all
    select * from payments_on_customer
),

payments_in_window as (
    select
        activity_id,
        sum(paid_amount) as paid_amount
    from payments
    group by activity_id
),

evaluated as (
    select
        promises.*,
        coalesce(payments_in_window.paid_amount, 0) as paid_amount,
        promises.promise_date <= promises.as_of_date as is_due,
        case
            when promises.promise_amount is null then coalesce(payments_in_window.paid_amount, 0) > 0
            else coalesce(payments_in_window.paid_amount, 0) >= promises.promise_amount
        end as is_fulfilled
    from promises
    left join payments_in_window on promises.activity_id = payments_in_window.activity_id
),

final as (
    select
        activity_id,
        assignee_id,
        crm_account_id,
        customer_key,
        invoice_id,
        promised_at,
        promised_on_date,
        promise_date,
        cast(promise_amount as decimal(18, 2)) as promise_amount,
        cast(paid_amount as decimal(18, 2)) as paid_amount,
        is_due,
        is_due and is_fulfilled as is_kept,
        is_due and not is_fulfilled as is_broken
    from evaluated
)

select * from final
