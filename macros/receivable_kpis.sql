{#- The receivable KPIs of kpis.md, computed from summed additive parts: one definition for the
    company, team and segment marts. `parts_relation` holds the parts at customer × month
    (fct_ar_monthly); `group_columns` are the roll-up's dimensions ([] for the whole company).
    Every group gets every month of int_months_spanned, so 12- and 13-month windows count months,
    not rows that happen to exist. A zero denominator gives null (kpis.md). -#}

{% macro receivable_part_columns() -%}
    {{ return([
        'beginning_ar', 'credit_sales', 'credit_notes', 'net_credit_sales', 'collections', 'fees_deducted',
        'write_offs', 'ending_ar', 'ending_current_ar', 'ending_overdue_ar', 'invoices_due_count',
        'due_invoice_amount', 'unpaid_at_due_amount', 'delinquent_debtor_count', 'debtors_in_scope_count',
    ]) }}
{%- endmacro %}


{#- numerator / denominator × scale, null when the denominator is zero or null. -#}
{% macro ratio(numerator, denominator, scale=1) -%}
    cast({{ numerator }} as double) * {{ scale }} / nullif({{ denominator }}, 0)
{%- endmacro %}


{#- A ratio as the marts publish it: ratio() × scale (100 for a percentage, 1 for a mean or a rate per day),
    as a double rounded to `decimals` places (2 in the marts; the alert rules compare at 4). Null on a zero
    or null denominator. -#}
{% macro pct(numerator, denominator, scale=100, decimals=2) -%}
    round(cast({{ ratio(numerator, denominator, scale) }} as double), {{ decimals }})
{%- endmacro %}


{#- A count read through a left join: 0 where the joined side has no row, as a bigint. -#}
{% macro count_or_zero(count_column) -%}
    cast(coalesce({{ count_column }}, 0) as {{ dbt.type_bigint() }})
{%- endmacro %}


{% macro receivable_kpis_by_month(parts_relation, group_columns=[]) -%}
{%- set parts = receivable_part_columns() -%}
{%- set group_select = group_columns | join(', ') ~ (', ' if group_columns else '') -%}
{%- set partition = ('partition by ' ~ group_columns | join(', ')) if group_columns else '' -%}
{%- set same_group = [] -%}
{%- for column in group_columns -%}{%- do same_group.append('current_month.' ~ column ~ ' = prior_month.' ~ column) -%}{%- endfor -%}
with months as (
    select * from {{ ref('int_months_spanned') }}
),

grouped_parts as (
    select
        {%- for column in group_columns %}
        coalesce({{ column }}, '(unassigned)') as {{ column }},
        {%- endfor %}
        month_start,
        {%- for part in parts %}
        sum({{ part }}) as {{ part }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ parts_relation }}
    group by
        {%- for column in group_columns %}
        coalesce({{ column }}, '(unassigned)'),
        {%- endfor %}
        month_start
),

{%- if group_columns %}

groups as (
    select distinct {{ group_columns | join(', ') }} from grouped_parts
),
{%- endif %}

grid as (
    select
        {%- for column in group_columns %}
        groups.{{ column }},
        {%- endfor %}
        months.month_start,
        months.period_end_date,
        months.days_in_period,
        months.is_month_in_progress,
        {%- for part in parts %}
        cast(coalesce(grouped_parts.{{ part }}, 0) as {{ dbt.type_bigint() if part.endswith('_count') else 'decimal(38, 2)' }})
            as {{ part }}{{ ',' if not loop.last }}
        {%- endfor %}
    from months
    {%- if group_columns %}
    cross join groups
    {%- endif %}
    left join grouped_parts
        on months.month_start = grouped_parts.month_start
        {%- for column in group_columns %}
        and groups.{{ column }} = grouped_parts.{{ column }}
        {%- endfor %}
),

windowed as (
    select
        grid.*,
        sum(net_credit_sales) over ({{ partition }} order by month_start rows between unbounded preceding and current row)
            as running_net_credit_sales,
        sum(net_credit_sales) over ({{ partition }} order by month_start rows between 11 preceding and current row)
            as net_credit_sales_12m,
        sum(write_offs) over ({{ partition }} order by month_start rows between 11 preceding and current row)
            as write_offs_12m,
        count(*) over ({{ partition }} order by month_start rows between 11 preceding and current row)
            as months_in_12m,
        avg(ending_ar) over ({{ partition }} order by month_start rows between 12 preceding and current row)
            as average_ending_ar_13m,
        count(*) over ({{ partition }} order by month_start rows between 12 preceding and current row)
            as month_ends_in_13m,
        sum(ending_ar) over ({{ partition }} order by month_start rows between 2 preceding and current row)
            as ending_ar_sum_3m,
        sum(net_credit_sales) over ({{ partition }} order by month_start rows between 2 preceding and current row)
            as net_credit_sales_sum_3m,
        sum(days_in_period) over ({{ partition }} order by month_start rows between 2 preceding and current row)
            as days_in_period_sum_3m,
        count(*) over ({{ partition }} order by month_start rows between 2 preceding and current row)
            as months_in_3m
    from grid
),

-- Countback DSO: walking back from the period end, the sales of month k onwards still covered by
-- ending AR. The partial month is the latest k whose sales from k onwards exceed ending AR.
countback_pairs as (
    select
        {%- for column in group_columns %}
        current_month.{{ column }},
        {%- endfor %}
        current_month.month_start,
        current_month.ending_ar,
        prior_month.month_start as prior_month_start,
        prior_month.days_in_period as prior_days,
        prior_month.net_credit_sales as prior_net_credit_sales,
        current_month.running_net_credit_sales - prior_month.running_net_credit_sales
            + prior_month.net_credit_sales as sales_from_prior_month
    from windowed as current_month
    inner join windowed as prior_month
        on prior_month.month_start <= current_month.month_start
        {%- for condition in same_group %}
        and {{ condition }}
        {%- endfor %}
),

countback_partial_months as (
    select {{ group_select }}month_start, max(prior_month_start) as partial_month_start
    from countback_pairs
    where sales_from_prior_month > ending_ar
    group by {{ group_select }}month_start
),

countback as (
    select
        {%- for column in group_columns %}
        countback_pairs.{{ column }},
        {%- endfor %}
        countback_pairs.month_start,
        sum(case when countback_pairs.prior_month_start > countback_partial_months.partial_month_start
            then countback_pairs.prior_days else 0 end)
        + max(case when countback_pairs.prior_month_start = countback_partial_months.partial_month_start
            then (countback_pairs.ending_ar - (countback_pairs.sales_from_prior_month - countback_pairs.prior_net_credit_sales))
                * 1.0 / countback_pairs.prior_net_credit_sales * countback_pairs.prior_days end)
            as dso_countback_days
    from countback_pairs
    inner join countback_partial_months
        on countback_pairs.month_start = countback_partial_months.month_start
        {%- for column in group_columns %}
        and countback_pairs.{{ column }} = countback_partial_months.{{ column }}
        {%- endfor %}
    group by
        {%- for column in group_columns %}
        countback_pairs.{{ column }},
        {%- endfor %}
        countback_pairs.month_start
),

-- Trailing three months (this month and the two before), kept as additive parts: the three
-- month-end ARs summed, the three months' sales and their days. Null before three months exist.
kpi_values as (
    select
        windowed.*,
        case when windowed.months_in_3m = 3 then windowed.ending_ar_sum_3m end as ending_ar_trailing_3m_sum,
        case when windowed.months_in_3m = 3 then windowed.net_credit_sales_sum_3m end as net_credit_sales_trailing_3m,
        case when windowed.months_in_3m = 3 then windowed.days_in_period_sum_3m end as days_in_trailing_3m,
        {{ ratio('windowed.ending_ar', 'windowed.net_credit_sales') }} * windowed.days_in_period as dso_days_raw,
        case when windowed.months_in_3m = 3
            then {{ ratio('windowed.ending_ar_sum_3m', 'windowed.net_credit_sales_sum_3m') }}
                * windowed.days_in_period_sum_3m / 3 end as dso_trailing_3m_days_raw,
        countback.dso_countback_days as dso_countback_days_raw,
        {{ ratio('windowed.ending_current_ar', 'windowed.net_credit_sales') }} * windowed.days_in_period
            as best_possible_dso_days_raw,
        {{ ratio('windowed.beginning_ar + windowed.net_credit_sales - windowed.ending_ar',
            'windowed.beginning_ar + windowed.net_credit_sales - windowed.ending_current_ar', 100) }} as cei_pct_raw,
        {{ ratio('windowed.collections', 'windowed.net_credit_sales', 100) }} as collection_efficiency_pct_raw,
        {{ ratio('windowed.ending_ar', 'windowed.beginning_ar + windowed.net_credit_sales', 100) }}
            as uncollected_rate_pct_raw,
        {{ ratio('windowed.ending_overdue_ar', 'windowed.ending_ar', 100) }} as overdue_ratio_pct_raw,
        {{ ratio('windowed.unpaid_at_due_amount', 'windowed.due_invoice_amount', 100) }} as late_payment_ratio_pct_raw,
        {{ ratio('windowed.delinquent_debtor_count', 'windowed.debtors_in_scope_count', 100) }}
            as delinquent_debtor_pct_raw,
        case when windowed.month_ends_in_13m = 13
            then {{ ratio('windowed.net_credit_sales_12m', 'windowed.average_ending_ar_13m') }} end as ar_turnover_raw,
        case when windowed.months_in_12m = 12
            then {{ ratio('windowed.write_offs_12m', 'windowed.net_credit_sales_12m', 100) }} end as write_off_ratio_pct_raw
    from windowed
    left join countback
        on windowed.month_start = countback.month_start
        {%- for column in group_columns %}
        and windowed.{{ column }} = countback.{{ column }}
        {%- endfor %}
),

-- Published to two decimals, as the seed documents quote them (CEI 94.59 %); ADD is the difference
-- of the two published DSOs, so the three always agree on a report.
receivable_kpis as (
    select
        kpi_values.*,
        {%- for kpi in ['dso_days', 'dso_trailing_3m_days', 'dso_countback_days', 'best_possible_dso_days',
            'cei_pct', 'collection_efficiency_pct', 'uncollected_rate_pct', 'overdue_ratio_pct', 'late_payment_ratio_pct',
            'delinquent_debtor_pct', 'ar_turnover', 'write_off_ratio_pct'] %}
        round(cast({{ kpi }}_raw as double), 2) as {{ kpi }},
        {%- endfor %}
        round(round(cast(dso_days_raw as double), 2) - round(cast(best_possible_dso_days_raw as double), 2), 2)
            as average_days_delinquent
    from kpi_values
)

select * from receivable_kpis
{%- endmacro %}


{#- The columns a receivable-KPI mart publishes after its dimensions: period, parts, KPIs. -#}
{% macro receivable_kpi_select_list() -%}
month_start,
period_end_date,
days_in_period,
is_month_in_progress,
{%- for part in receivable_part_columns() %}
{{ part }},
{%- endfor %}
cast(ending_ar_trailing_3m_sum as decimal(38, 2)) as ending_ar_trailing_3m_sum,
cast(net_credit_sales_trailing_3m as decimal(38, 2)) as net_credit_sales_trailing_3m,
cast(days_in_trailing_3m as {{ dbt.type_bigint() }}) as days_in_trailing_3m,
dso_days,
dso_trailing_3m_days,
dso_countback_days,
best_possible_dso_days,
average_days_delinquent,
cei_pct,
collection_efficiency_pct,
uncollected_rate_pct,
overdue_ratio_pct,
late_payment_ratio_pct,
delinquent_debtor_pct,
ar_turnover,
write_off_ratio_pct
{%- endmacro %}


{#- Target achievement in %: actual / target for a KPI where higher is better, target / actual where
    lower is better (DSO 50 days against a 45-day target achieves 90 %). Null without both. -#}
{% macro target_achievement(actual, target, direction) -%}
    round(cast(case
        when {{ direction }} = 'lower_is_better' then {{ ratio(target, actual, 100) }}
        when {{ direction }} = 'higher_is_better' then {{ ratio(actual, target, 100) }}
    end as double), 2)
{%- endmacro %}
