-- 月次KPI — one row per month for the whole company with every KPI of kpis.md by its column name,
-- its additive parts, and its target (seed kpi_targets, seed document 001) with the achievement.
-- Receivable KPIs come from the summed parts of fct_ar_monthly (macros/receivable_kpis.sql), the same
-- definitions as the team and segment marts.
{%- set targeted_kpis = ['dso_days', 'ar_turnover', 'overdue_ratio_pct', 'collection_efficiency_pct'] %}

with company_kpis as (
    {{ receivable_kpis_by_month(ref('fct_ar_monthly')) | indent(4) }}
),

kpi_targets as (
    select * from {{ ref('kpi_targets') }}
),

-- The target in force for a month: the latest valid_from on or before the month's start.
targets_in_force as (
    select
        company_kpis.month_start,
        kpi_targets.kpi_name,
        kpi_targets.target_value,
        kpi_targets.direction,
        row_number() over (
            partition by company_kpis.month_start, kpi_targets.kpi_name order by kpi_targets.valid_from desc
        ) as target_rank
    from company_kpis
    inner join kpi_targets on kpi_targets.valid_from <= company_kpis.month_start
),

targets as (
    select
        month_start as target_month_start,
        {%- for kpi in targeted_kpis %}
        cast(max(case when kpi_name = '{{ kpi }}' then target_value end) as double) as {{ kpi }}_target,
        max(case when kpi_name = '{{ kpi }}' then direction end) as {{ kpi }}_direction{{ ',' if not loop.last }}
        {%- endfor %}
    from targets_in_force
    where target_rank = 1
    group by month_start
),

final as (
    select
        {{ receivable_kpi_select_list() | indent(8) }},
        {%- for kpi in targeted_kpis %}
        targets.{{ kpi }}_target,
        {{ target_achievement('company_kpis.' ~ kpi, 'targets.' ~ kpi ~ '_target', 'targets.' ~ kpi ~ '_direction') }}
            as {{ kpi }}_target_achievement_pct{{ ',' if not loop.last }}
        {%- endfor %}
    from company_kpis
    left join targets on company_kpis.month_start = targets.target_month_start
)

select * from final
