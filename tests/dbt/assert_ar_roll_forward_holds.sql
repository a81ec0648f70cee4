-- The AR identity holds for every customer and month: ending = beginning + net credit sales −
-- collections − fees − write-offs; beginning = the previous month's ending (0 in the first); and
-- ending equals the customer's events up to the period end, summed independently of the roll-forward.
with monthly as (
    select
        fct_ar_monthly.*,
        lag(ending_ar) over (partition by customer_key order by month_start) as previous_ending_ar
    from {{ ref('fct_ar_monthly') }} as fct_ar_monthly
),

event_balances as (
    select
        monthly.customer_key,
        monthly.month_start,
        sum(events.open_amount_effect) as events_ending_ar
    from monthly
    inner join {{ ref('fct_receivable_events') }} as events
        on
            monthly.customer_key = events.customer_key
            and events.event_date <= monthly.period_end_date
    group by monthly.customer_key, monthly.month_start
)

select
    monthly.customer_key,
    monthly.month_start,
    monthly.beginning_ar,
    monthly.previous_ending_ar,
    monthly.ending_ar,
    event_balances.events_ending_ar
from monthly
left join event_balances
    on
        monthly.customer_key = event_balances.customer_key
        and monthly.month_start = event_balances.month_start
where
    monthly.ending_ar <> monthly.beginning_ar + monthly.net_credit_sales - monthly.collections
    - monthly.fees_deducted - monthly.write_offs
    or monthly.net_credit_sales <> monthly.credit_sales + monthly.credit_notes
    or monthly.ending_overdue_ar <> monthly.ending_ar - monthly.ending_current_ar
    or monthly.beginning_ar <> coalesce(monthly.previous_ending_ar, 0)
    or monthly.ending_ar <> coalesce(event_balances.events_ending_ar, 0)
