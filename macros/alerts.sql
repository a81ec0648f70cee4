{#- The parts every alert rule model in models/alerting/rules shares: the rule's row of the seed
    alert_rules, how a rule judges an observation, and the alert row fct_kpi_alerts unions. Each rule
    model keeps what is its own (what it measures and how it words the finding) and calls these for the
    rest. Arguments are SQL expressions, except a rule id, CTE names (`observations`, `*_alias`) and the
    column names evaluate_alert_rule qualifies with its CTE. -#}


{#- Every rule model reads its own row of the seed the same way; a disabled rule gives no row, so fires nothing. -#}
{% macro alert_rule(rule_id, alert_rules='alert_rules') -%}
    select
        rule_id,
        rule_name_ja,
        severity,
        opens_exception,
        threshold,
        comparison,
        subject_types,
        minimum_base,
        compared_kpi
    from {{ alert_rules }}
    where rule_id = '{{ rule_id }}' and is_enabled
{%- endmacro %}


{#- The seed's subject_types is a ';'-separated list (`company;team`); one place decides how it is matched. -#}
{% macro rule_watches_subject(rule_alias, subject_type_column) -%}
    (';' || {{ rule_alias }}.subject_types || ';') like ('%;' || {{ subject_type_column }} || ';%')
{%- endmacro %}


{#- The seed's comparison (gte, gt, lte, lt) against its threshold, in one place; null when the value is null. -#}
{% macro threshold_fired(value_column, rule_alias='active_rule') -%}
        case {{ rule_alias }}.comparison
            when 'gte' then {{ value_column }} >= {{ rule_alias }}.threshold
            when 'gt' then {{ value_column }} > {{ rule_alias }}.threshold
            when 'lte' then {{ value_column }} <= {{ rule_alias }}.threshold
            when 'lt' then {{ value_column }} < {{ rule_alias }}.threshold
        end
{%- endmacro %}


{#- A rule with a minimum_base judges only observations whose base reaches it (1 late task of 1 is no trend). -#}
{% macro meets_minimum_base(base_column, rule_alias='active_rule') -%}
    ({{ rule_alias }}.minimum_base is null or {{ base_column }} >= {{ rule_alias }}.minimum_base)
{%- endmacro %}


{#- The `evaluated` step every rule model shares: each observation of a subject type the rule watches, with
    the rule's columns and is_fired; with base_column, observations under the rule's minimum_base are left out. -#}
{% macro evaluate_alert_rule(observations, value_column, base_column=none, rule_alias='active_rule') -%}
    select
        {{ observations }}.*,
        {{ rule_alias }}.rule_id,
        {{ rule_alias }}.rule_name_ja,
        {{ rule_alias }}.severity,
        {{ rule_alias }}.opens_exception,
        {{ rule_alias }}.threshold,
        {{ threshold_fired(observations ~ '.' ~ value_column, rule_alias) }} as is_fired
    from {{ observations }}
    inner join {{ rule_alias }}
        on {{ rule_watches_subject(rule_alias, observations ~ '.subject_type') }}
    {%- if base_column %}
    where {{ meets_minimum_base(observations ~ '.' ~ base_column, rule_alias) }}
    {%- endif %}
{%- endmacro %}


{#- Every rule model ends with the same alert row (fct_kpi_alerts unions them by these names): all its
    columns but finding_ja, which the rule model writes next. Values are decimal(18, 4) whatever the rule
    measures; detected_date is the period's end; the rule's columns come from the row being projected.
    period_grain is `month`, `week` or `day`; the period's start defaults to the `<grain>_start` column and its
    end to `period_end_date` (a month) or `week_end_date` (a week). -#}
{% macro alert_row_columns(
    kpi_name,
    period_grain,
    observed_value,
    measured_value,
    baseline_value,
    period_start=none,
    period_end_date=none,
    subject_type='subject_type',
    subject_id='subject_id',
    subject_name='subject_name'
) -%}
    {%- set period_start = period_start or period_grain ~ '_start' -%}
    {%- set period_end_date = period_end_date or ('week_end_date' if period_grain == 'week' else 'period_end_date') -%}
        rule_id,
        rule_name_ja,
        severity,
        opens_exception,
        {{ aliased_column(kpi_name, 'kpi_name') }},
        {{ aliased_column(subject_type, 'subject_type') }},
        {{ aliased_column(subject_id, 'subject_id') }},
        {{ aliased_column(subject_name, 'subject_name') }},
        '{{ period_grain }}' as period_grain,
        {{ aliased_column(period_start, 'period_start') }},
        {{ aliased_column(period_end_date, 'period_end_date') }},
        {{ period_end_date }} as detected_date,
        cast({{ observed_value }} as decimal(18, 4)) as observed_value,
        threshold as threshold_value,
        cast({{ measured_value }} as decimal(18, 4)) as measured_value,
        cast({{ baseline_value }} as decimal(18, 4)) as baseline_value
{%- endmacro %}


{#- The change from a previous value in %, as the rules compare it (4 decimals); null on a zero base. -#}
{% macro change_pct(current_value, previous_value) -%}
    cast({{ pct(current_value ~ ' - ' ~ previous_value, previous_value, decimals=4) }} as decimal(18, 4))
{%- endmacro %}


{#- `expression as name`, or the bare column where it already has the name (so the SQL reads as written by hand). -#}
{% macro aliased_column(expression, name) -%}
    {{ expression }}{{ (' as ' ~ name) if expression | trim != name }}
{%- endmacro %}


{#- A number as the findings print it: cast to `decimals` places, with '+' before a change of 0 or more when signed. -#}
{% macro number_text(value_column, decimals=1, signed=false) -%}
        {%- if signed -%}
        case when {{ value_column }} >= 0 then '+' else '' end
        || {% endif -%}
        cast(cast({{ value_column }} as decimal(18, {{ decimals }})) as {{ dbt.type_string() }})
{%- endmacro %}


{#- An amount as the findings print it: whole yen, no decimals. -#}
{% macro yen_text(amount_column) -%}
    cast(cast(round({{ amount_column }}, 0) as bigint) as {{ dbt.type_string() }})
{%- endmacro %}


{#- The opening every rule model shares: one import CTE per model it reads (the seed alert_rules first),
    then `active_rule`, the rule's row of the seed (a list of rule ids gives one row per enabled rule).
    Called right after `with`; the model's own steps follow. -#}
{% macro alert_rule_inputs(rule_ids, models) -%}
{%- set rule_ids = [rule_ids] if rule_ids is string else rule_ids -%}
alert_rules as (
    select * from {{ ref('alert_rules') }}
),
{% for model in models %}
{{ model }} as (
    select * from {{ ref(model) }}
),
{% endfor %}
active_rule as (
    {%- for rule_id in rule_ids %}
    {{ alert_rule(rule_id) }}
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}
)
{%- endmacro %}


{#- The company (fct_kpi_monthly) and each owner team (fct_kpi_team_monthly) as subjects of a monthly rule:
    subject_type, subject_id, subject_name, month_start, period_end_date and `columns`, read from the import
    CTEs of those two marts; closed_only keeps closed months only. -#}
{% macro company_and_team_months(columns, closed_only=false) -%}
    {%- for relation, subject_type, subject_id, subject_name in [
        ('fct_kpi_monthly', "'company'", "'company'", "'全社'"),
        ('fct_kpi_team_monthly', "'team'", 'owner_team', 'owner_team'),
    ] %}
    select
        {{ subject_type }} as subject_type,
        {{ subject_id }} as subject_id,
        {{ subject_name }} as subject_name,
        month_start,
        period_end_date,
        {%- for column in columns %}
        {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    {%- if closed_only %}
    where not is_month_in_progress
    {%- endif %}
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- Each collector and each team (its collectors' parts summed) as subjects of a weekly rule, closed ISO weeks
    only: subject_type, subject_id, subject_name, week_start, week_end_date and `parts`, read from the import CTE
    fct_collector_weekly. A collector without a name is named by its id. -#}
{% macro collector_and_team_weeks(parts) -%}
    select
        'collector' as subject_type,
        assignee_id as subject_id,
        coalesce(assignee_name, assignee_id) as subject_name,
        week_start,
        week_end_date,
        {%- for part in parts %}
        {{ part }}{{ ',' if not loop.last }}
        {%- endfor %}
    from fct_collector_weekly
    where not is_week_in_progress
    union all
    select
        'team' as subject_type,
        team as subject_id,
        team as subject_name,
        week_start,
        week_end_date,
        {%- for part in parts %}
        sum({{ part }}) as {{ part }}{{ ',' if not loop.last }}
        {%- endfor %}
    from fct_collector_weekly
    where not is_week_in_progress
    group by team, week_start, week_end_date
{%- endmacro %}


{#- The join of a subject's period onto its previous period: same subject, and the period starting one month
    (grain 'month', month_start) or seven days (grain 'week', week_start) after the previous one. -#}
{% macro follows_previous_period(grain, current='current_period', previous='previous_period') -%}
    {{ current }}.subject_type = {{ previous }}.subject_type
            and {{ current }}.subject_id = {{ previous }}.subject_id
            and {{ current }}.{{ grain }}_start
    {%- if grain == 'month' %}
            = cast({{ dbt.dateadd('month', 1, previous ~ '.month_start') }} as date)
    {%- else %} = {{ add_days(previous ~ '.week_start', 7) }}
    {%- endif %}
{%- endmacro %}


{#- The two steps every rule model ends with: `evaluated` (evaluate_alert_rule on the observations) and `final`,
    the alert row of each fired observation with its finding. The finding is the body of the call block, a SQL
    expression: {% call fired_alerts(...) %} 'DSOが前月比 ' || ... {% endcall %}. observed_value defaults to the
    judged value_column; the other arguments are alert_row_columns'. -#}
{% macro fired_alerts(
    observations,
    value_column,
    kpi_name,
    period_grain,
    measured_value,
    baseline_value,
    observed_value=none,
    base_column=none
) -%}
evaluated as (
    {{ evaluate_alert_rule(observations, value_column=value_column, base_column=base_column) }}
),

final as (
    select
        {{ alert_row_columns(
            kpi_name=kpi_name,
            period_grain=period_grain,
            observed_value=observed_value or value_column,
            measured_value=measured_value,
            baseline_value=baseline_value,
        ) }},
        {{ caller() | trim }} as finding_ja
    from evaluated
    where is_fired
)
{%- endmacro %}
