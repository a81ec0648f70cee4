-- Columns written by Jinja loops: layout (LT02) unchecked, see .sqlfluff.
-- noqa: disable=LT02
-- 目標達成率 — one row per closed month and targeted KPI of fct_kpi_monthly (the KPIs that carry a
-- `<kpi>_target` and `<kpi>_target_achievement_pct`), so the two target rules (目標未達, 目標達成)
-- read one shape. Months without a target or without an achievement (a null KPI) are left out.
{%- set targeted_kpis = ['dso_days', 'ar_turnover', 'overdue_ratio_pct', 'collection_efficiency_pct'] %}

with fct_kpi_monthly as (
    select * from {{ ref('fct_kpi_monthly') }}
),

kpi_targets as (
    select * from {{ ref('kpi_targets') }}
),

kpi_names as (
    select
        kpi_name,
        min(kpi_name_ja) as kpi_name_ja
    from kpi_targets
    group by kpi_name
),

unpivoted as (
    {%- for kpi in targeted_kpis %}
    select
        month_start,
        period_end_date,
        '{{ kpi }}' as kpi_name,
        cast({{ kpi }} as double) as kpi_value,
        cast({{ kpi }}_target as double) as target_value,
        cast({{ kpi }}_target_achievement_pct as double) as target_achievement_pct
    from fct_kpi_monthly
    where not is_month_in_progress
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        unpivoted.month_start,
        unpivoted.period_end_date,
        unpivoted.kpi_name,
        coalesce(kpi_names.kpi_name_ja, unpivoted.kpi_name) as kpi_name_ja,
        unpivoted.kpi_value,
        unpivoted.target_value,
        unpivoted.target_achievement_pct
    from unpivoted
    left join kpi_names
        on unpivoted.kpi_name = kpi_names.kpi_name
    where unpivoted.target_achievement_pct is not null
)

select * from final
