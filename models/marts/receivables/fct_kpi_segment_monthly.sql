-- セグメント別KPI — the receivable KPIs of kpis.md per customer segment and month, from summed parts
-- of fct_ar_monthly (the same definitions as fct_kpi_monthly).
with segment_kpis as (
    {{ receivable_kpis_by_month(ref('fct_ar_monthly'), ['segment']) | indent(4) }}
),

final as (
    select
        segment,
        {{ receivable_kpi_select_list() | indent(8) }}
    from segment_kpis
)

select * from final
