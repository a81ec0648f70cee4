-- 四半期リスクレポート: resolved customers by risk segment (dim_customer_risk): how many, their open and
-- overdue AR, how many are over their credit limit, and the segment's share of all open AR.
with dim_customer_risk as (
    select * from {{ ref('dim_customer_risk') }}
),

segments as (
    select
        risk_segment,
        max(risk_segment_label_ja) as risk_segment_label_ja,
        max(risk_severity_rank) as risk_severity_rank,
        count(*) as customer_count,
        sum(open_ar_amount) as open_ar_amount,
        sum(overdue_ar_amount) as overdue_ar_amount,
        sum(case when is_over_credit_limit then 1 else 0 end) as over_limit_count
    from dim_customer_risk
    where not is_unresolved
    group by risk_segment
),

final as (
    select
        risk_segment,
        risk_segment_label_ja,
        cast(risk_severity_rank as {{ dbt.type_int() }}) as risk_severity_rank,
        cast(customer_count as {{ dbt.type_bigint() }}) as customer_count,
        cast(open_ar_amount as decimal(38, 2)) as open_ar_amount,
        cast(overdue_ar_amount as decimal(38, 2)) as overdue_ar_amount,
        cast(over_limit_count as {{ dbt.type_bigint() }}) as over_limit_count,
        {{ ratio('open_ar_amount', 'sum(open_ar_amount) over ()', 100) }} as open_ar_share_pct
    from segments
)

select * from final
