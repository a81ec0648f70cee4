-- 週次エグゼクティブレポート: 年齢分析 of open AR on the as-of date, one row per aging bucket, with its
-- share of the open AR of that day.
with rpt_report_periods as (
    select * from {{ ref('rpt_report_periods') }}
),

fct_aging as (
    select * from {{ ref('fct_aging') }}
),

buckets as (
    select
        fct_aging.aging_bucket,
        min(fct_aging.aging_bucket_order) as aging_bucket_order,
        count(*) as invoice_count,
        sum(fct_aging.open_amount) as open_amount
    from fct_aging
    inner join rpt_report_periods
        on fct_aging.as_of_date = rpt_report_periods.as_of_date
    group by fct_aging.aging_bucket
),

final as (
    select
        aging_bucket,
        cast(aging_bucket_order as {{ dbt.type_int() }}) as aging_bucket_order,
        cast(invoice_count as {{ dbt.type_bigint() }}) as invoice_count,
        cast(open_amount as decimal(38, 2)) as open_amount,
        {{ ratio('open_amount', 'sum(open_amount) over ()', 100) }} as open_ar_share_pct
    from buckets
)

select * from final
