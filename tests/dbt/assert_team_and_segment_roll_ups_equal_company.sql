-- Columns written by Jinja loops: layout (LT02) unchecked, see .sqlfluff.
-- noqa: disable=LT02
-- One number for everyone: the parts of the team and segment marts sum, month by month, to the
-- company's parts in fct_kpi_monthly.
{%- set parts = receivable_part_columns() %}
with company as (
    select * from {{ ref('fct_kpi_monthly') }}
),

{%- for roll_up in ['fct_kpi_team_monthly', 'fct_kpi_segment_monthly'] %}

{{ roll_up }}_totals as (
    select
        month_start,
        {%- for part in parts %}
        sum({{ part }}) as {{ part }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref(roll_up) }}
    group by month_start
),
{%- endfor %}

mismatches as (
    {%- for roll_up in ['fct_kpi_team_monthly', 'fct_kpi_segment_monthly'] %}
    select '{{ roll_up }}' as roll_up, company.month_start
    from company
    left join {{ roll_up }}_totals on company.month_start = {{ roll_up }}_totals.month_start
    where
        {%- for part in parts %}
        company.{{ part }} <> coalesce({{ roll_up }}_totals.{{ part }}, 0){{ ' or' if not loop.last }}
        {%- endfor %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from mismatches
