-- 四半期リスクレポート: the write-offs of the report quarter by customer segment (rpt_quarterly_write_offs
-- summed), a customer without a segment under '(未設定)'.
with rpt_quarterly_write_offs as (
    select * from {{ ref('rpt_quarterly_write_offs') }}
),

final as (
    select
        coalesce(segment, '(未設定)') as segment,
        cast(count(*) as {{ dbt.type_bigint() }}) as customer_count,
        cast(sum(invoice_count) as {{ dbt.type_bigint() }}) as invoice_count,
        cast(sum(written_off_amount) as decimal(38, 2)) as written_off_amount
    from rpt_quarterly_write_offs
    group by coalesce(segment, '(未設定)')
)

select * from final
