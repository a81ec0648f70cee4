{#- Typed parsing of landing text. Each returns null when the text does not parse; staging
    compares "text present but parsed null" to quarantine the row with a reason. -#}

{% macro parse_landing_value(column_name, data_type) -%}
    {%- if data_type == 'date' -%}
        {{ parse_iso_date(column_name) }}
    {%- elif data_type == 'timestamp' -%}
        {{ parse_local_timestamp(column_name) }}
    {%- elif data_type == 'decimal' -%}
        {{ try_cast_to(column_name, 'decimal(18, 2)') }}
    {%- elif data_type == 'integer' -%}
        {{ try_cast_to(column_name, dbt.type_int()) }}
    {%- elif data_type == 'boolean' -%}
        case
            when lower({{ column_name }}) in ('true', '1', 'yes') then true
            when lower({{ column_name }}) in ('false', '0', 'no') then false
        end
    {%- elif data_type == 'corporate_number' -%}
        {#- 法人番号: exactly 13 digits. -#}
        case
            when length({{ column_name }}) = 13 and translate({{ column_name }}, '0123456789', '') = ''
                then {{ column_name }}
        end
    {%- elif data_type == 'code' -%}
        lower({{ column_name }})
    {%- elif data_type == 'currency' -%}
        upper({{ column_name }})
    {%- else -%}
        {{ column_name }}
    {%- endif -%}
{%- endmacro %}


{#- Strict YYYY-MM-DD: engines' own casts also accept 2026/03/01 or 2026-3-1. -#}
{% macro parse_iso_date(column_name) -%}
    case
        when length({{ column_name }}) = 10
            and substring({{ column_name }}, 5, 1) = '-'
            and substring({{ column_name }}, 8, 1) = '-'
            then {{ try_cast_to(column_name, 'date') }}
    end
{%- endmacro %}


{#- ISO 8601 timestamp as local time in var('source_timezone'): a value with an offset
    (Z, +09:00, -0500) is converted to that zone; one without is already local. -#}
{% macro parse_local_timestamp(column_name) -%}
    {{ return(adapter.dispatch('parse_local_timestamp', 'ar_warehouse')(column_name)) }}
{%- endmacro %}

{% macro duckdb__parse_local_timestamp(column_name) -%}
    case
        when regexp_matches({{ column_name }}, '(Z|[+-]\d{2}:?\d{2})$')
            then timezone('{{ var("source_timezone") }}', try_cast({{ column_name }} as timestamptz))
        else try_cast({{ column_name }} as timestamp)
    end
{%- endmacro %}


{#- A cast that yields null instead of failing. dbt's own safe_cast is a plain cast on
    dbt-duckdb, which would stop the run on the first bad value. -#}
{% macro try_cast_to(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast_to', 'ar_warehouse')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast_to(expression, data_type) -%}
    {{ dbt.safe_cast(expression, data_type) }}
{%- endmacro %}

{% macro duckdb__try_cast_to(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}
