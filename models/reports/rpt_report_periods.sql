-- 報告対象期間 (seed 000): the one row of periods the three management reports cover, decided once
-- so every report model agrees. The week ends on the as-of date (the latest aging snapshot); the
-- month is the last closed month (a monthly report is about a finished month), else the latest; the
-- quarter is the last complete quarter (the one whose last month is closed), before any the current.
with fct_aging as (
    select * from {{ ref('fct_aging') }}
),

fct_kpi_monthly as (
    select * from {{ ref('fct_kpi_monthly') }}
),

as_of as (
    select max(as_of_date) as as_of_date
    from fct_aging
),

months as (
    select
        max(case when not is_month_in_progress then month_start end) as last_closed_month_start,
        max(month_start) as latest_month_start
    from fct_kpi_monthly
),

chosen as (
    select
        as_of.as_of_date,
        coalesce(months.last_closed_month_start, months.latest_month_start) as report_month_start,
        -- The quarter that ends before the month after the last closed month: a closed September
        -- gives Q3, a closed October still Q3.
        case
            when months.last_closed_month_start is null
                then cast({{ dbt.date_trunc('quarter', 'months.latest_month_start') }} as date)
            else cast({{ dbt.dateadd('month', -3, dbt.date_trunc('quarter', dbt.dateadd('month', 1,
                'months.last_closed_month_start'))) }} as date)
        end as report_quarter_start
    from as_of
    cross join months
),

final as (
    select
        as_of_date,
        {{ add_days('as_of_date', -6) }} as week_start_date,
        report_month_start,
        cast({{ dbt.dateadd('month', 1, 'report_month_start') }} as date) as next_month_start,
        cast({{ dbt.dateadd('month', -1, 'report_month_start') }} as date) as previous_month_start,
        report_quarter_start,
        cast({{ dbt.dateadd('month', 3, 'report_quarter_start') }} as date) as next_quarter_start,
        cast({{ dbt.dateadd('month', -3, 'report_quarter_start') }} as date) as previous_quarter_start,
        cast(extract(year from report_quarter_start) as {{ dbt.type_int() }}) as report_year,
        cast((extract(month from report_quarter_start) + 2) / 3 as {{ dbt.type_int() }}) as report_quarter_number
    from chosen
    where as_of_date is not null and report_month_start is not null
)

select * from final
