-- Every day from the earliest day of the data (first invoice, task or activity) to the as-of date,
-- with its ISO week (Monday start), its month and whether it is a working day (Monday to Friday):
-- the calendar the people KPIs are summed on. Up to 100,000 days, from a digits cross join, so
-- every engine can run it.
with int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

stg_crm__tasks as (
    select * from {{ ref('stg_crm__tasks') }}
),

stg_crm__activities as (
    select * from {{ ref('stg_crm__activities') }}
),

first_dates as (
    select earliest_invoice_date as first_date from int_reporting_dates
    union all
    select min(cast(created_at as date)) from stg_crm__tasks
    union all
    select min(cast(activity_at as date)) from stg_crm__activities
),

bounds as (
    select
        min(first_dates.first_date) as first_date,
        max(int_reporting_dates.as_of_date) as as_of_date
    from first_dates
    cross join int_reporting_dates
),

digits as (
    {%- for digit in range(10) %}
        select {{ digit }} as digit{{ ' union all' if not loop.last }}
    {%- endfor %}
),

day_offsets as (
    select
        ones.digit
        + 10 * tens.digit
        + 100 * hundreds.digit
        + 1000 * thousands.digit
        + 10000 * ten_thousands.digit as day_offset
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands
    cross join digits as ten_thousands
),

days as (
    select {{ add_days('bounds.first_date', 'day_offsets.day_offset') }} as day_date
    from day_offsets
    cross join bounds
    where day_offsets.day_offset <= {{ days_between('bounds.first_date', 'bounds.as_of_date') }}
),

-- date_trunc('week') starts weeks on Monday (ISO) on DuckDB, Postgres, Snowflake (default
-- WEEK_START) and Spark; the weekday test below counts from that Monday.
weeks as (
    select
        day_date,
        cast({{ dbt.date_trunc('week', 'day_date') }} as date) as week_start,
        {{ month_start('day_date') }} as month_start
    from days
),

final as (
    select
        day_date,
        week_start,
        month_start,
        {{ days_between('week_start', 'day_date') }} < 5 as is_working_day
    from weeks
)

select * from final
