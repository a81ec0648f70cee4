-- 四半期リスクレポート (seed 000: 貸倒・回収損益影響とリスクマップ更新): the one row of headline figures for
-- the report quarter: write-offs and 損益影響 against the quarter before (rpt_quarterly_pl_impact),
-- the rolling 12-month write-off ratio, and the critical-risk customers with their open AR and its
-- share of all open AR (rpt_quarterly_risk_segments).
with rpt_report_periods as (
    select * from {{ ref('rpt_report_periods') }}
),

rpt_quarterly_pl_impact as (
    select * from {{ ref('rpt_quarterly_pl_impact') }}
),

rpt_quarterly_risk_segments as (
    select * from {{ ref('rpt_quarterly_risk_segments') }}
),

critical as (
    select * from rpt_quarterly_risk_segments
    where risk_segment = 'critical'
),

final as (
    select
        rpt_report_periods.report_quarter_start as quarter_start,
        rpt_report_periods.report_year as quarter_year,
        rpt_report_periods.report_quarter_number as quarter_number,
        rpt_report_periods.as_of_date,
        this_quarter.write_offs,
        previous_quarter.write_offs as previous_quarter_write_offs,
        coalesce(this_quarter.collection_pl_impact_amount, 0) as collection_pl_impact_amount,
        previous_quarter.collection_pl_impact_amount as previous_quarter_pl_impact_amount,
        this_quarter.write_off_ratio_pct,
        cast(coalesce(critical.customer_count, 0) as {{ dbt.type_bigint() }}) as critical_customer_count,
        critical.open_ar_amount as critical_open_ar_amount,
        critical.open_ar_share_pct as critical_open_ar_share_pct
    from rpt_report_periods
    left join rpt_quarterly_pl_impact as this_quarter
        on rpt_report_periods.report_quarter_start = this_quarter.quarter_start
    left join rpt_quarterly_pl_impact as previous_quarter
        on rpt_report_periods.previous_quarter_start = previous_quarter.quarter_start
    left join critical
        on 1 = 1
)

select * from final
