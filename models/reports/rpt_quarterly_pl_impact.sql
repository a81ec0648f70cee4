-- 四半期リスクレポート 貸倒・回収損益影響: one row per calendar quarter, the report quarter and the five
-- before it (rpt_executive_kpi_trend summed over the quarter's months): write-offs, the legal
-- collection cost, 損益影響 = write-offs (direct write-off) + legal collection cost, legal recoveries,
-- net credit sales; the write-off ratio and ending AR are those of the quarter's last month. From the
-- GL and the guarantee system (fct_bad_debt_quarterly): 貸倒損失, 貸倒引当金 繰入 / 戻入, 償却債権取立益,
-- the guarantee payouts received, the net bad-debt P&L charge and the net bad-debt ratio (純貸倒率).
with rpt_report_periods as (
    select * from {{ ref('rpt_report_periods') }}
),

rpt_executive_kpi_trend as (
    select * from {{ ref('rpt_executive_kpi_trend') }}
),

fct_bad_debt_quarterly as (
    select * from {{ ref('fct_bad_debt_quarterly') }}
),

months as (
    select
        cast({{ dbt.date_trunc('quarter', 'rpt_executive_kpi_trend.month_start') }} as date) as quarter_start,
        rpt_executive_kpi_trend.month_start,
        rpt_executive_kpi_trend.write_offs,
        rpt_executive_kpi_trend.collection_pl_impact_amount,
        rpt_executive_kpi_trend.legal_cost_amount,
        rpt_executive_kpi_trend.legal_recovered_amount,
        rpt_executive_kpi_trend.net_credit_sales,
        rpt_executive_kpi_trend.write_off_ratio_pct,
        rpt_executive_kpi_trend.ending_ar,
        rpt_report_periods.report_quarter_start
    from rpt_executive_kpi_trend
    cross join rpt_report_periods
    where
        rpt_executive_kpi_trend.month_start
        >= {{ dbt.dateadd('month', -15, 'rpt_report_periods.report_quarter_start') }}
        and rpt_executive_kpi_trend.month_start < rpt_report_periods.next_quarter_start
),

last_months as (
    select
        quarter_start,
        write_off_ratio_pct,
        ending_ar,
        row_number() over (partition by quarter_start order by month_start desc) as recency
    from months
),

quarters as (
    select
        quarter_start,
        max(report_quarter_start) as report_quarter_start,
        count(*) as month_count,
        sum(write_offs) as write_offs,
        sum(collection_pl_impact_amount) as collection_pl_impact_amount,
        sum(legal_cost_amount) as legal_cost_amount,
        sum(legal_recovered_amount) as legal_recovered_amount,
        sum(net_credit_sales) as net_credit_sales
    from months
    group by quarter_start
),

final as (
    select
        quarters.quarter_start,
        cast(extract(year from quarters.quarter_start) as {{ dbt.type_int() }}) as quarter_year,
        cast((extract(month from quarters.quarter_start) + 2) / 3 as {{ dbt.type_int() }}) as quarter_number,
        quarters.quarter_start = quarters.report_quarter_start as is_report_quarter,
        cast(quarters.month_count as {{ dbt.type_int() }}) as month_count,
        cast(quarters.write_offs as decimal(38, 2)) as write_offs,
        cast(quarters.legal_cost_amount as decimal(38, 2)) as legal_cost_amount,
        cast(quarters.collection_pl_impact_amount as decimal(38, 2)) as collection_pl_impact_amount,
        cast(quarters.legal_recovered_amount as decimal(38, 2)) as legal_recovered_amount,
        cast(quarters.net_credit_sales as decimal(38, 2)) as net_credit_sales,
        last_months.write_off_ratio_pct,
        last_months.ending_ar,
        coalesce(fct_bad_debt_quarterly.bad_debt_loss_amount, 0) as bad_debt_loss_amount,
        coalesce(fct_bad_debt_quarterly.allowance_provision_amount, 0) as allowance_provision_amount,
        coalesce(fct_bad_debt_quarterly.allowance_reversal_amount, 0) as allowance_reversal_amount,
        coalesce(fct_bad_debt_quarterly.recovered_after_write_off_amount, 0) as recovered_after_write_off_amount,
        coalesce(fct_bad_debt_quarterly.guarantee_paid_amount, 0) as guarantee_paid_amount,
        coalesce(fct_bad_debt_quarterly.bad_debt_pl_amount, 0) as bad_debt_pl_amount,
        fct_bad_debt_quarterly.net_bad_debt_ratio_pct
    from quarters
    inner join last_months
        on
            quarters.quarter_start = last_months.quarter_start
            and last_months.recency = 1
    left join fct_bad_debt_quarterly
        on quarters.quarter_start = fct_bad_debt_quarterly.quarter_start
)

select * from final
