{#- The three settings that make a run: the same names in make, plain dbt and Dagster.
    A `--vars` value wins over the environment variable, which wins over the default. -#}

{% macro landing_dir() -%}
    {{ return(var('landing_dir', env_var('AR_LANDING_DIR', 'sample/landing')).rstrip('/')) }}
{%- endmacro %}

{#- The as-of date set by the user, or none: int_reporting_dates then takes the latest date
    present in the data. -#}
{% macro configured_as_of_date() -%}
    {%- set value = var('as_of_date', env_var('AR_AS_OF_DATE', '')) | string | trim -%}
    {%- if value in ('', 'none', 'None') -%}{{ return(none) }}{%- endif -%}
    {%- if not modules.re.match('^\\d{4}-\\d{2}-\\d{2}$', value) -%}
        {{ exceptions.raise_compiler_error("AR_AS_OF_DATE / as_of_date must be YYYY-MM-DD, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- The day of the run: the var run_date or AR_RUN_DATE when set (tests, a re-run of a past day), else
    today, read once by Jinja when the run compiles. No data fact can be dated after it: the default
    as-of date never passes it, and rows dated after it are flagged (int_future_dated_rows_flagged). -#}
{% macro run_date() -%}
    {%- set value = var('run_date', env_var('AR_RUN_DATE', '')) | string | trim -%}
    {%- if value in ('', 'none', 'None') -%}{{ return(modules.datetime.date.today().isoformat()) }}{%- endif -%}
    {%- if not modules.re.match('^\\d{4}-\\d{2}-\\d{2}$', value) -%}
        {{ exceptions.raise_compiler_error("AR_RUN_DATE / run_date must be YYYY-MM-DD, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}
