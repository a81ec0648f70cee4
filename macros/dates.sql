{#- Date arithmetic in whole days. DuckDB 2.0 holds `interval 30 day` equal to `interval 1 month`
    and merges them within one SELECT, so days are added as integers there (date + n stays a date);
    other engines use dbt's dateadd, cast back to a date. -#}
{% macro add_days(date_expression, days) -%}
    {{ return(adapter.dispatch('add_days', 'ar_warehouse')(date_expression, days)) }}
{%- endmacro %}

{% macro default__add_days(date_expression, days) -%}
    cast({{ dbt.dateadd('day', days, date_expression) }} as date)
{%- endmacro %}

{% macro duckdb__add_days(date_expression, days) -%}
    ({{ date_expression }} + {{ days }})
{%- endmacro %}

{#- Whole days from start_date to end_date (negative when end is earlier), as a bigint on every
    engine (Spark's datediff gives an int, DuckDB's a bigint). -#}
{% macro days_between(start_date, end_date) -%}
    cast({{ dbt.datediff(start_date, end_date, 'day') }} as {{ dbt.type_bigint() }})
{%- endmacro %}

{#- First day of the date's month, as a date. -#}
{% macro month_start(date_expression) -%}
    cast({{ dbt.date_trunc('month', date_expression) }} as date)
{%- endmacro %}

{#- Last day of the date's month, as a date. On DuckDB: the next month's first day minus one whole
    day as an integer, so no day interval sits beside the month interval (see add_days). -#}
{% macro month_end(date_expression) -%}
    {{ return(adapter.dispatch('month_end', 'ar_warehouse')(date_expression)) }}
{%- endmacro %}

{% macro default__month_end(date_expression) -%}
    cast({{ dbt.last_day(date_expression, 'month') }} as date)
{%- endmacro %}

{% macro duckdb__month_end(date_expression) -%}
    (cast(date_trunc('month', {{ date_expression }}) + interval 1 month as date) - 1)
{%- endmacro %}

{#- One row per month from the month of start_date to the month of end_date (both expressions
    evaluated in `from_relation`, a one-row relation): month_start, month_end_date. Up to 1,000
    months, from a digits cross join, so every engine can run it. -#}
{% macro months_between_dates(from_relation, start_date, end_date) -%}
    with digits as (
        {%- for digit in range(10) %}
        select {{ digit }} as digit{{ ' union all' if not loop.last }}
        {%- endfor %}
    ),

    month_offsets as (
        select ones.digit + 10 * tens.digit + 100 * hundreds.digit as month_offset
        from digits as ones
        cross join digits as tens
        cross join digits as hundreds
    ),

    bounds as (
        select
            {{ month_start(start_date) }} as first_month_start,
            {{ month_start(end_date) }} as last_month_start
        from {{ from_relation }}
    ),

    months as (
        select cast({{ dbt.dateadd('month', 'month_offsets.month_offset', 'bounds.first_month_start') }} as date)
            as month_start
        from month_offsets
        cross join bounds
        where month_offsets.month_offset <= {{ dbt.datediff('bounds.first_month_start', 'bounds.last_month_start', 'month') }}
    )

    select month_start, {{ month_end('month_start') }} as month_end_date
    from months
{%- endmacro %}
