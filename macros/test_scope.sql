{#- The test scope: how much of the largest tables the row-level data tests read. It is the var
    `test_scope` (Dagster's schedule passes it: orchestration/defs/dbt/schedules.py), else the
    environment's AR_TEST_SCOPE, else full.

    full    (default; the weekly run) every row.
    recent  (the daily run) the row-level tests (unique, not_null, accepted_values, relationships,
            unique_combination, accepted_range) on a table listed in var('test_scope_date_columns')
            read only its rows dated within var('test_scope_recent_days') days before the run date,
            and its undated rows. A duplicate between an old row and a new one is then caught by the
            weekly run, not the daily one.

    Tie-outs and reconciliations (reconciles_with_landing, row_count_equals, the singular tests in
    tests/dbt) never get the filter: they stay complete on every run. dbt calls get_where_subquery for
    the table a generic test reads; this project's version adds the scope to the test's own `where`. -#}

{% macro test_scope() -%}
    {%- set scope = (var('test_scope', none) or env_var('AR_TEST_SCOPE', 'full')) | trim | lower -%}
    {%- if scope not in ('full', 'recent') -%}
        {{ exceptions.raise_compiler_error("The test scope (var test_scope or AR_TEST_SCOPE) must be full or recent, got '" ~ scope ~ "'") }}
    {%- endif -%}
    {{ return(scope) }}
{%- endmacro %}


{% macro test_scope_filter(relation) -%}
    {%- set row_level_tests = ['unique', 'not_null', 'accepted_values', 'relationships', 'unique_combination', 'accepted_range'] -%}
    {%- set date_column = var('test_scope_date_columns', {}).get(relation.identifier) -%}
    {%- set test_name = (model.test_metadata or {}).get('name') if model is mapping else none -%}
    {%- if test_scope() == 'recent' and date_column and test_name in row_level_tests -%}
        {%- set since = add_days("cast('" ~ run_date() ~ "' as date)", -(var('test_scope_recent_days') | int)) -%}
        {{ return('(' ~ date_column ~ ' is null or cast(' ~ date_column ~ ' as date) >= ' ~ since ~ ')') }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}


{% macro default__get_where_subquery(relation) -%}
    {%- set filters = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}{%- do filters.append('(' ~ where ~ ')') -%}{%- endif -%}
    {%- set scope_filter = test_scope_filter(relation) -%}
    {%- if scope_filter -%}{%- do filters.append(scope_filter) -%}{%- endif -%}
    {%- if filters -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ filters | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}
