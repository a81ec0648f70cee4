-- 週次エグゼクティブレポート 改善率: four measures, each the relative fall from an earlier point to now,
-- (before − after) / before × 100, so positive is better whatever the KPI: open AR against last
-- week and 12 weeks ago (rpt_weekly_open_ar), DSO against last month and three months earlier
-- (rpt_weekly_dso_trend; the earliest month shown when fewer months exist). Null on a zero base.
with rpt_weekly_open_ar as (
    select * from {{ ref('rpt_weekly_open_ar') }}
),

rpt_weekly_dso_trend as (
    select * from {{ ref('rpt_weekly_dso_trend') }}
),

months_shown as (
    select max(months_before_latest) as oldest_month
    from rpt_weekly_dso_trend
),

measures as (
    select
        'open_ar_week_on_week' as measure_id,
        1 as measure_order,
        'week' as period_grain,
        1 as before_offset,
        null as before_month_offset
    union all
    select
        'open_ar_vs_12_weeks_ago' as measure_id,
        2 as measure_order,
        'week' as period_grain,
        12 as before_offset,
        null as before_month_offset
    union all
    select
        'dso_month_on_month' as measure_id,
        3 as measure_order,
        'month' as period_grain,
        null as before_offset,
        1 as before_month_offset
    union all
    select
        'dso_vs_3_months_earlier' as measure_id,
        4 as measure_order,
        'month' as period_grain,
        null as before_offset,
        3 as before_month_offset
),

week_points as (
    select
        measures.measure_id,
        before_week.balance_date as before_period_date,
        after_week.balance_date as after_period_date,
        cast(before_week.open_ar_amount as double) as before_value,
        cast(after_week.open_ar_amount as double) as after_value
    from measures
    inner join rpt_weekly_open_ar as after_week
        on after_week.weeks_before_as_of = 0
    left join rpt_weekly_open_ar as before_week
        on measures.before_offset = before_week.weeks_before_as_of
    where measures.period_grain = 'week'
),

month_points as (
    select
        measures.measure_id,
        before_month.month_start as before_period_date,
        after_month.month_start as after_period_date,
        before_month.dso_days as before_value,
        after_month.dso_days as after_value
    from measures
    cross join months_shown
    left join rpt_weekly_dso_trend as after_month
        on after_month.months_before_latest = 0
    left join rpt_weekly_dso_trend as before_month
        on before_month.months_before_latest = case
            when measures.measure_id = 'dso_vs_3_months_earlier'
                then least(measures.before_month_offset, months_shown.oldest_month)
            else measures.before_month_offset
        end
        and before_month.months_before_latest > 0
    where measures.period_grain = 'month'
),

points as (
    select * from week_points
    union all
    select * from month_points
),

final as (
    select
        measures.measure_id,
        cast(measures.measure_order as {{ dbt.type_int() }}) as measure_order,
        measures.period_grain,
        points.before_period_date,
        points.after_period_date,
        points.before_value,
        points.after_value,
        {{ ratio('points.before_value - points.after_value', 'points.before_value', 100) }} as improvement_pct
    from measures
    inner join points
        on measures.measure_id = points.measure_id
)

select * from final
