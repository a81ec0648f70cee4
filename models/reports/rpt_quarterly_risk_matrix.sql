-- 四半期リスクレポート: the risk segment × customer segment matrix of resolved customers
-- (dim_customer_risk): customers and open AR per cell, a customer without a segment under '(未設定)'.
with dim_customer_risk as (
    select * from {{ ref('dim_customer_risk') }}
),

final as (
    select
        risk_segment,
        coalesce(segment, '(未設定)') as segment,
        cast(max(risk_severity_rank) as {{ dbt.type_int() }}) as risk_severity_rank,
        cast(count(*) as {{ dbt.type_bigint() }}) as customer_count,
        cast(sum(open_ar_amount) as decimal(38, 2)) as open_ar_amount
    from dim_customer_risk
    where not is_unresolved
    group by risk_segment, coalesce(segment, '(未設定)')
)

select * from final
