-- チーム別KPI — the receivable KPIs of kpis.md per owner team and month, from summed parts of
-- fct_ar_monthly (the same definitions as fct_kpi_monthly; the ratio of sums, never an average of ratios).
with team_kpis as (
    {{ receivable_kpis_by_month(ref('fct_ar_monthly'), ['owner_team']) | indent(4) }}
),

final as (
    select
        owner_team,
        {{ receivable_kpi_select_list() | indent(8) }}
    from team_kpis
)

select * from final
