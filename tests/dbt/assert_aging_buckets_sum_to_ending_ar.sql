-- Aging ties out: on every snapshot (each month-end and as_of_date) the buckets of fct_aging sum to
-- that period's ending AR in fct_ar_monthly.
with aging_totals as (
    select as_of_date, sum(open_amount) as aged_amount
    from {{ ref('fct_aging') }}
    group by as_of_date
),

ending_totals as (
    select period_end_date, sum(ending_ar) as ending_ar
    from {{ ref('fct_ar_monthly') }}
    group by period_end_date
)

select
    ending_totals.period_end_date,
    ending_totals.ending_ar,
    coalesce(aging_totals.aged_amount, 0) as aged_amount
from ending_totals
left join aging_totals on ending_totals.period_end_date = aging_totals.as_of_date
where ending_totals.ending_ar <> coalesce(aging_totals.aged_amount, 0)
