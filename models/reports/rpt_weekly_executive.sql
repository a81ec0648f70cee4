-- 週次エグゼクティブレポート (seed 000: 未収残・DSOトレンド・改善率をエグゼクティブ向け配信): the one row of
-- headline figures for the week ending on the as-of date: open AR and its change on last week,
-- overdue AR and its share, the latest month's DSO against its target, the cash improvement against
-- its target (seed 001), and the week's alerts by severity.
with rpt_report_periods as (
    select * from {{ ref('rpt_report_periods') }}
),

rpt_weekly_open_ar as (
    select * from {{ ref('rpt_weekly_open_ar') }}
),

rpt_weekly_dso_trend as (
    select * from {{ ref('rpt_weekly_dso_trend') }}
),

rpt_weekly_alerts as (
    select * from {{ ref('rpt_weekly_alerts') }}
),

this_week as (
    select * from rpt_weekly_open_ar
    where weeks_before_as_of = 0
),

last_week as (
    select * from rpt_weekly_open_ar
    where weeks_before_as_of = 1
),

latest_month as (
    select * from rpt_weekly_dso_trend
    where months_before_latest = 0
),

alert_counts as (
    select
        sum(case when severity = 'critical' then 1 else 0 end) as critical_alert_count,
        sum(case when severity = 'warning' then 1 else 0 end) as warning_alert_count,
        sum(case when severity = 'info' then 1 else 0 end) as info_alert_count
    from rpt_weekly_alerts
),

final as (
    select
        rpt_report_periods.as_of_date,
        rpt_report_periods.week_start_date,
        this_week.open_ar_amount,
        last_week.open_ar_amount as previous_week_open_ar_amount,
        cast(this_week.open_ar_amount - last_week.open_ar_amount as decimal(38, 2)) as open_ar_week_change_amount,
        this_week.overdue_ar_amount,
        {{ ratio('this_week.overdue_ar_amount', 'this_week.open_ar_amount', 100) }} as overdue_ar_pct,
        latest_month.month_start as dso_month_start,
        latest_month.is_month_in_progress as is_dso_month_in_progress,
        latest_month.dso_days,
        latest_month.dso_days_target,
        latest_month.dso_days - latest_month.dso_days_target as dso_gap_days,
        latest_month.cash_improvement_pct,
        latest_month.cash_improvement_pct_target,
        cast(coalesce(alert_counts.critical_alert_count, 0) as {{ dbt.type_bigint() }}) as critical_alert_count,
        cast(coalesce(alert_counts.warning_alert_count, 0) as {{ dbt.type_bigint() }}) as warning_alert_count,
        cast(coalesce(alert_counts.info_alert_count, 0) as {{ dbt.type_bigint() }}) as info_alert_count
    from rpt_report_periods
    inner join this_week
        on rpt_report_periods.as_of_date = this_week.balance_date
    left join last_week
        on 1 = 1
    left join latest_month
        on 1 = 1
    cross join alert_counts
)

select * from final
