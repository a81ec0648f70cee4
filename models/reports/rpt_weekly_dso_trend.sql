-- 週次エグゼクティブレポート: the DSO trend against its target, one row for each of the last twelve
-- months up to the as-of date (rpt_executive_kpi_trend), with the collection rates and the cash
-- improvement against its target (seed 001).
with rpt_report_periods as (
    select * from {{ ref('rpt_report_periods') }}
),

rpt_executive_kpi_trend as (
    select * from {{ ref('rpt_executive_kpi_trend') }}
),

fct_kpi_monthly as (
    select * from {{ ref('fct_kpi_monthly') }}
),

ranked as (
    select
        rpt_executive_kpi_trend.*,
        row_number() over (order by rpt_executive_kpi_trend.month_start desc) as months_before_latest
    from rpt_executive_kpi_trend
    cross join rpt_report_periods
    where rpt_executive_kpi_trend.month_start <= rpt_report_periods.as_of_date
),

final as (
    select
        ranked.month_start,
        cast(ranked.months_before_latest - 1 as {{ dbt.type_int() }}) as months_before_latest,
        ranked.is_month_in_progress,
        ranked.ending_ar,
        ranked.dso_days,
        ranked.dso_days_target,
        ranked.dso_days_target_achievement_pct,
        ranked.dso_change_days,
        ranked.collection_efficiency_pct,
        ranked.cei_pct,
        ranked.overdue_ratio_pct,
        ranked.cash_improvement_pct,
        fct_kpi_monthly.cash_improvement_pct_target
    from ranked
    left join fct_kpi_monthly
        on ranked.month_start = fct_kpi_monthly.month_start
    where ranked.months_before_latest <= 12
)

select * from final
