-- 四半期リスクレポート リスクマップ: one row per resolved customer (dim_customer_risk, the unresolved
-- bucket left out) as of the as-of date, with whether it is drawn on the risk map (open AR above zero)
-- and its place among the top risks (high and critical, most overdue first).
with dim_customer_risk as (
    select * from {{ ref('dim_customer_risk') }}
),

resolved as (
    select * from dim_customer_risk
    where not is_unresolved
),

ranked as (
    select
        resolved.*,
        case when resolved.risk_severity_rank >= 3 then row_number() over (
            partition by case when resolved.risk_severity_rank >= 3 then 1 else 0 end
            order by
                resolved.risk_severity_rank desc,
                resolved.overdue_ar_amount desc nulls last,
                resolved.open_ar_amount desc,
                resolved.customer_key
        ) end as top_risk_rank
    from resolved
),

final as (
    select
        customer_key,
        customer_name,
        owner_team,
        segment,
        risk_segment,
        risk_segment_label_ja,
        risk_segment_driver,
        cast(risk_severity_rank as {{ dbt.type_int() }}) as risk_severity_rank,
        cast(top_risk_rank as {{ dbt.type_int() }}) as top_risk_rank,
        open_ar_amount > 0 as is_on_risk_map,
        open_ar_amount,
        overdue_ar_amount,
        overdue_share_pct,
        credit_limit_used_pct,
        max_days_past_due,
        as_of_date
    from ranked
)

select * from final
