-- 未収増加 (rule ar_growth_beyond_sales_growth, seed 000): ending AR grew faster than net credit
-- sales, month on month, by at least the threshold in percentage points, for the company and each
-- owner team. Growth % = (this month − last month) / last month × 100, null on a zero base (kpis.md:
-- zero denominators give null), and a null growth does not compare. Closed months only.
with {{ alert_rule_inputs('ar_growth_beyond_sales_growth', ['fct_kpi_monthly', 'fct_kpi_team_monthly']) }},

subject_parts as (
    {{ company_and_team_months(['is_month_in_progress', 'ending_ar', 'net_credit_sales']) }}
),

growth as (
    select
        current_month.subject_type,
        current_month.subject_id,
        current_month.subject_name,
        current_month.month_start,
        current_month.period_end_date,
        {{ ratio('current_month.ending_ar - previous_month.ending_ar', 'previous_month.ending_ar', 100) }}
            as ending_ar_growth_pct,
        {{ ratio('current_month.net_credit_sales - previous_month.net_credit_sales',
            'previous_month.net_credit_sales', 100) }} as net_credit_sales_growth_pct
    from subject_parts as current_month
    inner join subject_parts as previous_month
        on {{ follows_previous_period('month', 'current_month', 'previous_month') }}
    where not current_month.is_month_in_progress
),

gaps as (
    select
        subject_type,
        subject_id,
        subject_name,
        month_start,
        period_end_date,
        cast(round(cast(ending_ar_growth_pct as double), 4) as decimal(18, 4)) as ending_ar_growth_pct,
        cast(round(cast(net_credit_sales_growth_pct as double), 4) as decimal(18, 4)) as net_credit_sales_growth_pct,
        cast(round(cast(ending_ar_growth_pct - net_credit_sales_growth_pct as double), 4) as decimal(18, 4))
            as growth_gap_points
    from growth
    where ending_ar_growth_pct is not null and net_credit_sales_growth_pct is not null
),

{% call fired_alerts(
    'gaps',
    value_column='growth_gap_points',
    kpi_name="'ending_ar_growth_pct'",
    period_grain='month',
    measured_value='ending_ar_growth_pct',
    baseline_value='net_credit_sales_growth_pct',
) -%}
        '売掛金残高が前月比 '
        || {{ number_text('ending_ar_growth_pct', signed=true) }}
        || '% (売上 '
        || {{ number_text('net_credit_sales_growth_pct', signed=true) }}
        || '%)、売上の伸びを '
        || {{ number_text('growth_gap_points') }}
        || 'pt 上回る'
{%- endcall %}

select * from final
