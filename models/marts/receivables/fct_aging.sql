-- 年齢分析 (aging) — for as_of_date and every month-end before it, each invoice open that day with its
-- open amount and aging bucket (days past due = snapshot date − due_date; buckets from the seed
-- aging_buckets, seed document 004's by default). Read from the balance intervals, so a snapshot
-- ignores payments made after its date. The buckets of a snapshot sum to that day's ending AR.
with balances as (
    select * from {{ ref('int_invoice_balances_versioned') }}
),

months as (
    select * from {{ ref('int_months_spanned') }}
),

reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

aging_buckets as (
    select * from {{ ref('aging_buckets') }}
),

dim_customer as (
    select * from {{ ref('dim_customer') }}
),

snapshot_dates as (
    select month_end_date as snapshot_date, true as is_month_end
    from months
    where month_end_date <= (select as_of_date from reporting_dates)
    union
    select as_of_date as snapshot_date, false as is_month_end from reporting_dates
    where as_of_date not in (select month_end_date from months)
),

open_on_snapshot as (
    select
        snapshot_dates.snapshot_date,
        snapshot_dates.is_month_end,
        balances.invoice_id,
        balances.customer_key,
        balances.due_date,
        balances.open_amount,
        {{ days_between('balances.due_date', 'snapshot_dates.snapshot_date') }} as days_past_due
    from snapshot_dates
    inner join balances
        on
            balances.valid_from <= snapshot_dates.snapshot_date
            and (balances.valid_to > snapshot_dates.snapshot_date or balances.valid_to is null)
    where balances.open_amount <> 0
),

final as (
    select
        open_on_snapshot.snapshot_date as as_of_date,
        open_on_snapshot.is_month_end,
        open_on_snapshot.invoice_id,
        open_on_snapshot.customer_key,
        dim_customer.owner_assignee_id,
        dim_customer.owner_team,
        dim_customer.segment,
        open_on_snapshot.due_date,
        open_on_snapshot.days_past_due,
        aging_buckets.aging_bucket,
        aging_buckets.sort_order as aging_bucket_order,
        open_on_snapshot.open_amount
    from open_on_snapshot
    inner join dim_customer on open_on_snapshot.customer_key = dim_customer.customer_key
    inner join aging_buckets
        on open_on_snapshot.days_past_due between aging_buckets.min_days_past_due and aging_buckets.max_days_past_due
)

select * from final
