-- The open amount of each invoice as intervals: open_amount holds from valid_from
-- (inclusive) to valid_to (exclusive; null = still holds on as_of_date). Aging as of any past day d
-- is one query (valid_from <= d and (valid_to > d or valid_to is null)), blind to later payments.
-- Built from events, one row per invoice and day its balance changed: no customer × day cross join.
with events as (
    select * from {{ ref('int_receivable_events_unioned') }}
),

invoices as (
    select * from {{ ref('int_invoices_resolved') }}
),

daily_changes as (
    select
        events.invoice_id,
        invoices.customer_key,
        invoices.receivable_due_date as due_date,
        events.event_date,
        sum(events.open_amount_effect) as open_amount_change
    from events
    inner join invoices on events.invoice_id = invoices.invoice_id
    group by events.invoice_id, invoices.customer_key, invoices.receivable_due_date, events.event_date
),

running_balances as (
    select
        invoice_id,
        customer_key,
        due_date,
        event_date as valid_from,
        lead(event_date) over (partition by invoice_id order by event_date) as valid_to,
        sum(open_amount_change) over (
            partition by invoice_id order by event_date rows between unbounded preceding and current row
        ) as open_amount
    from daily_changes
),

final as (
    select
        {{ dbt.concat(["invoice_id", "':'", dbt.safe_cast("valid_from", dbt.type_string())]) }} as balance_interval_id,
        invoice_id,
        customer_key,
        due_date,
        valid_from,
        valid_to,
        open_amount
    from running_balances
)

select * from final
