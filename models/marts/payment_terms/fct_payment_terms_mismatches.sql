-- 支払条件との不一致 — a data-quality finding for every invoice whose due date disagrees with its
-- customer's payment terms (`due_date_mismatch`, with the due date the terms give and the difference),
-- and for every invoice of a customer whose terms text does not parse (`unparseable_terms`, with the
-- reason). Invoices of customers without terms are no finding.
with int_invoice_due_dates_derived as (
    select * from {{ ref('int_invoice_due_dates_derived') }}
),

findings as (
    select
        *,
        case
            when terms_status = 'unparseable' then 'unparseable_terms'
            when expected_due_date <> due_date then 'due_date_mismatch'
        end as finding_type
    from int_invoice_due_dates_derived
),

final as (
    select
        invoice_id,
        billing_customer_id,
        customer_key,
        invoice_date,
        due_date,
        payment_terms,
        finding_type,
        terms_issue_reason,
        closing_date,
        expected_due_date,
        {{ days_between('expected_due_date', 'due_date') }} as due_date_difference_days
    from findings
    where finding_type is not null
)

select * from final
