-- Each invoice (not credit notes) with the due date its customer's 支払条件 give, beside the due date it
-- carries. Closing terms: the invoice closes on the first closing date on or after its invoice date (in
-- its own month when the invoice date is on or before that month's closing day, else in the next month;
-- a closing day past the month's length, 31 = 末 included, closes on the month's last day); it is due
-- in the closing month + the month offset, on the payment day or that month's last day if shorter.
-- Net days: invoice date + days. e.g. 2026-01-31 on 月末締め翌月末払い closes 2026-01-31, due 2026-02-28;
-- 2026-01-21 on 20日締め翌月10日払い closes 2026-02-20, due 2026-03-10.
with int_invoices_resolved as (
    select * from {{ ref('int_invoices_resolved') }}
),

int_payment_terms_parsed as (
    select * from {{ ref('int_payment_terms_parsed') }}
),

invoices as (
    select
        int_invoices_resolved.invoice_id,
        int_invoices_resolved.billing_customer_id,
        int_invoices_resolved.customer_key,
        int_invoices_resolved.invoice_date,
        int_invoices_resolved.due_date,
        int_payment_terms_parsed.payment_terms,
        int_payment_terms_parsed.payment_terms_segment,
        int_payment_terms_parsed.terms_status,
        int_payment_terms_parsed.terms_issue_reason,
        int_payment_terms_parsed.closing_day,
        int_payment_terms_parsed.payment_month_offset,
        int_payment_terms_parsed.payment_day,
        int_payment_terms_parsed.net_days,
        {{ month_start('int_invoices_resolved.invoice_date') }} as invoice_month_start,
        {{ days_between(month_start('int_invoices_resolved.invoice_date'), 'int_invoices_resolved.invoice_date') }} + 1
            as invoice_day_of_month,
        {{ days_between(month_start('int_invoices_resolved.invoice_date'), month_end('int_invoices_resolved.invoice_date')) }}  -- noqa: LT05
        + 1 as invoice_month_days
    from int_invoices_resolved
    left join int_payment_terms_parsed
        on int_invoices_resolved.billing_customer_id = int_payment_terms_parsed.billing_customer_id
    where int_invoices_resolved.document_type = 'invoice'
),

closing_months as (
    select
        invoices.*,
        case
            when invoices.invoice_day_of_month <= least(invoices.closing_day, invoices.invoice_month_days)
                then invoices.invoice_month_start
            else cast({{ dbt.dateadd('month', 1, 'invoices.invoice_month_start') }} as date)
        end as closing_month_start
    from invoices
    where invoices.closing_day is not null
),

payment_months as (
    select
        closing_months.*,
        cast({{ dbt.dateadd('month', 'closing_months.payment_month_offset', 'closing_months.closing_month_start') }} as date)  -- noqa: LT05
            as payment_month_start
    from closing_months
),

-- The closing and payment days as offsets in their month: a day past the month's length is its last day.
day_offsets as (
    select
        invoice_id,
        closing_month_start,
        payment_month_start,
        cast(least(
            closing_day,
            {{ days_between('closing_month_start', month_end('closing_month_start')) }} + 1
        ) - 1 as {{ dbt.type_int() }}) as closing_day_offset,
        cast(least(
            payment_day,
            {{ days_between('payment_month_start', month_end('payment_month_start')) }} + 1
        ) - 1 as {{ dbt.type_int() }}) as payment_day_offset
    from payment_months
),

closing_due_dates as (
    select
        invoice_id,
        {{ add_days('closing_month_start', 'closing_day_offset') }} as closing_date,
        {{ add_days('payment_month_start', 'payment_day_offset') }} as expected_due_date
    from day_offsets
),

final as (
    select
        invoices.invoice_id,
        invoices.billing_customer_id,
        invoices.customer_key,
        invoices.invoice_date,
        invoices.due_date,
        invoices.payment_terms,
        coalesce(invoices.payment_terms_segment, '(unassigned)') as payment_terms_segment,
        coalesce(invoices.terms_status, 'missing') as terms_status,
        invoices.terms_issue_reason,
        closing_due_dates.closing_date,
        case
            when invoices.net_days is not null
                then {{ add_days('invoices.invoice_date', 'cast(invoices.net_days as ' ~ dbt.type_int() ~ ')') }}  -- noqa: LT05
            else closing_due_dates.expected_due_date
        end as expected_due_date
    from invoices
    left join closing_due_dates
        on invoices.invoice_id = closing_due_dates.invoice_id
)

select * from final
