-- Every calendar month from the earliest invoice's month to the as-of month, with the period the
-- KPIs measure: the whole month, or up to as_of_date for the month in progress.
with reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

months as (
    {{ months_between_dates(ref('int_reporting_dates'), 'earliest_invoice_date', 'as_of_date') | indent(4) }}
),

periods as (
    select
        months.month_start,
        months.month_end_date,
        case
            when months.month_end_date > reporting_dates.as_of_date then reporting_dates.as_of_date
            else months.month_end_date
        end as period_end_date,
        months.month_end_date > reporting_dates.as_of_date as is_month_in_progress
    from months
    cross join reporting_dates
),

final as (
    select
        periods.*,
        {{ days_between('periods.month_start', 'periods.period_end_date') }} + 1 as days_in_period
    from periods
)

select * from final
