-- 四半期リスクレポート 延滞の悪化: roll rates over the month-ends of the report quarter (fct_roll_rates,
-- summed over teams and segments), one row per aging bucket: the month-end balance, the share that
-- rolled one bucket or more further by the next month-end (rolled forward + rolled beyond), the
-- share cured (paid) and the share charged off (written off: a loss, not a cure).
with rpt_report_periods as (
    select * from {{ ref('rpt_report_periods') }}
),

fct_roll_rates as (
    select * from {{ ref('fct_roll_rates') }}
),

buckets as (
    select
        fct_roll_rates.from_aging_bucket,
        min(fct_roll_rates.from_aging_bucket_order) as from_aging_bucket_order,
        sum(fct_roll_rates.from_bucket_amount) as from_bucket_amount,
        sum(fct_roll_rates.rolled_forward_amount + fct_roll_rates.rolled_beyond_amount) as rolled_forward_amount,
        sum(fct_roll_rates.cured_amount) as cured_amount,
        sum(fct_roll_rates.charged_off_amount) as charged_off_amount
    from fct_roll_rates
    inner join rpt_report_periods
        on
            fct_roll_rates.from_month_start >= rpt_report_periods.report_quarter_start
            and fct_roll_rates.from_month_start < rpt_report_periods.next_quarter_start
    group by fct_roll_rates.from_aging_bucket
),

final as (
    select
        from_aging_bucket,
        cast(from_aging_bucket_order as {{ dbt.type_int() }}) as from_aging_bucket_order,
        cast(from_bucket_amount as decimal(38, 2)) as from_bucket_amount,
        cast(rolled_forward_amount as decimal(38, 2)) as rolled_forward_amount,
        cast(cured_amount as decimal(38, 2)) as cured_amount,
        cast(charged_off_amount as decimal(38, 2)) as charged_off_amount,
        {{ ratio('rolled_forward_amount', 'from_bucket_amount', 100) }} as rolled_forward_pct,
        {{ ratio('cured_amount', 'from_bucket_amount', 100) }} as cured_pct,
        {{ ratio('charged_off_amount', 'from_bucket_amount', 100) }} as charged_off_pct
    from buckets
)

select * from final
