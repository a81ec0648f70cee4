-- noqa: disable=LT02
-- 未来日付 — every staged landing row whose business date (landing_tables(): invoice date, value date,
-- posting date, activity time …) is after the data's as-of date or after the run date: a data-quality
-- finding, never a reason to move the reporting month (int_reporting_dates). Such a row stays staged
-- and enters the KPIs once the as-of date reaches it; until then it is listed here and fails the
-- warn-severity test assert_no_future_dated_rows. Judged against the data's as-of date, not a configured
-- one: rebuilding the past does not turn the rest of the data into findings.
{%- set dated_tables = [] %}
{%- for landing in landing_tables() if landing.date_column %}{% do dated_tables.append(landing) %}{% endfor %}

with
{%- for landing in dated_tables %}

    base_{{ landing.system }}__{{ landing.table }} as (
        select * from {{ ref('base_' ~ landing.system ~ '__' ~ landing.table) }}
    ),
{%- endfor %}

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

rows_dated as (
    {%- for landing in dated_tables %}
        select
            '{{ landing.system }}' as source_system,
            '{{ landing.table }}' as source_table,
            source_file,
            source_row_number,
            row_key,
            '{{ landing.date_column }}' as date_column,
            cast({{ landing.date_column }} as date) as row_date
        from base_{{ landing.system }}__{{ landing.table }}
        where rejection_reason is null
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        rows_dated.source_system,
        rows_dated.source_table,
        rows_dated.source_file,
        rows_dated.source_row_number,
        rows_dated.row_key,
        rows_dated.date_column,
        rows_dated.row_date,
        int_reporting_dates.data_as_of_date,
        int_reporting_dates.run_date,
        case
            when rows_dated.row_date > int_reporting_dates.run_date then 'after_run_date'
            else 'after_data_as_of_date'
        end as finding_reason
    from rows_dated
    cross join int_reporting_dates
    where
        rows_dated.row_date > int_reporting_dates.data_as_of_date
        or rows_dated.row_date > int_reporting_dates.run_date
)

select * from final
