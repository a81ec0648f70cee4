-- 延滞債権比率 (rule overdue_ratio, seed 004 indicator 1: 20 % is critical): overdue_ratio_pct =
-- ending overdue AR / ending AR × 100 at or above the threshold, for the company, each owner team
-- and each customer (the customer's ratio from its own parts in fct_ar_monthly, to two decimals as
-- the KPI marts publish it). Closed months only; the explicit unresolved customer is not a debtor
-- and raises no customer alert (it still counts in the company and team ratios). The seed's
-- minimum_base is a minimum overdue amount in yen: a subject with less overdue AR is not judged,
-- so ¥1 one day late is not a 100 % critical finding.
with {{ alert_rule_inputs(
    'overdue_ratio', ['fct_kpi_monthly', 'fct_kpi_team_monthly', 'fct_ar_monthly', 'dim_customer']
) }},

company_and_team_ratios as (
    {{ company_and_team_months(['ending_ar', 'ending_overdue_ar', 'overdue_ratio_pct'], closed_only=true) }}
),

customer_ratios as (
    select
        'customer' as subject_type,
        fct_ar_monthly.customer_key as subject_id,
        dim_customer.customer_name as subject_name,
        fct_ar_monthly.month_start,
        fct_ar_monthly.period_end_date,
        fct_ar_monthly.ending_ar,
        fct_ar_monthly.ending_overdue_ar,
        {{ pct('fct_ar_monthly.ending_overdue_ar', 'fct_ar_monthly.ending_ar') }}
            as overdue_ratio_pct
    from fct_ar_monthly
    inner join dim_customer
        on fct_ar_monthly.customer_key = dim_customer.customer_key
    where
        fct_ar_monthly.period_end_date = fct_ar_monthly.month_end_date
        and not dim_customer.is_unresolved
),

subject_ratios as (
    select * from company_and_team_ratios
    union all
    select * from customer_ratios
),

observations as (
    select
        subject_type,
        subject_id,
        subject_name,
        month_start,
        period_end_date,
        ending_ar,
        ending_overdue_ar,
        cast(round(cast(overdue_ratio_pct as double), 4) as decimal(18, 4)) as overdue_ratio_pct
    from subject_ratios
    where overdue_ratio_pct is not null
),

{% call fired_alerts(
    'observations',
    value_column='overdue_ratio_pct',
    base_column='ending_overdue_ar',
    kpi_name="'overdue_ratio_pct'",
    period_grain='month',
    measured_value='ending_overdue_ar',
    baseline_value='ending_ar',
) -%}
        '延滞債権比率 '
        || {{ number_text('overdue_ratio_pct') }}
        || '% (延滞 '
        || {{ yen_text('ending_overdue_ar') }}
        || '円 / 残高 '
        || {{ yen_text('ending_ar') }}
        || '円)'
{%- endcall %}

select * from final
