-- One row per application of a deposit to an invoice up to the as-of date, with the invoice's
-- customer, whether the row reverses an earlier application (a matching error) and whether it was
-- itself reversed. fct_cash_applications (消込明細) publishes it; promises to pay are judged on it.
with stg_accounting__cash_applications as (
    select * from {{ ref('stg_accounting__cash_applications') }}
),

stg_billing__invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

int_customer_identifiers_resolved as (
    select * from {{ ref('int_customer_identifiers_resolved') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

applications as (
    select stg_accounting__cash_applications.*
    from stg_accounting__cash_applications
    cross join int_reporting_dates
    where stg_accounting__cash_applications.applied_date <= int_reporting_dates.as_of_date
),

billing_customers as (
    select
        source_identifier as billing_customer_id,
        customer_key
    from int_customer_identifiers_resolved
    where source_system = 'billing' and identifier_type = 'billing_customer_id'
),

invoice_customers as (
    select
        stg_billing__invoices.invoice_id,
        billing_customers.customer_key
    from stg_billing__invoices
    left join billing_customers
        on stg_billing__invoices.billing_customer_id = billing_customers.billing_customer_id
),

reversed_applications as (
    select distinct reverses_application_id as application_id
    from applications
    where reverses_application_id is not null
),

final as (
    select
        applications.application_id,
        applications.bank_transaction_id,
        applications.invoice_id,
        coalesce(invoice_customers.customer_key, {{ unresolved_customer_key() }}) as customer_key,
        applications.applied_date,
        cast(applications.applied_amount as decimal(18, 2)) as applied_amount,
        cast(coalesce(applications.fee_deducted_amount, 0) as decimal(18, 2)) as fee_deducted_amount,
        coalesce(applications.application_method, 'unknown') as application_method,
        applications.reverses_application_id is not null as is_reversal,
        applications.reverses_application_id,
        reversed_applications.application_id is not null as is_reversed
    from applications
    left join invoice_customers
        on applications.invoice_id = invoice_customers.invoice_id
    left join reversed_applications
        on applications.application_id = reversed_applications.application_id
)

select * from final
