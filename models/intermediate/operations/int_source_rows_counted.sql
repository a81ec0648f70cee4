-- Landing rows read (staged + quarantined: the base models hold both), counted by table and by the
-- month the input-error rate (kpis.md エラー率, category `input`) counts them in: the row's own
-- business date (invoice date, value date, posting date, activity time …) when it parses, else the
-- as-of month (master data without a date, and rows whose date is the very thing that failed). Rows
-- dated after the as-of date are not read yet as of that date and are left out. A row is
-- quarantined when its base model gives it a rejection reason: the rows rejected_rows lists.
-- Counted, not listed: one row per landing row would copy every landing table once more.


with
{%- for landing in landing_tables() %}

    base_{{ landing.system }}__{{ landing.table }} as (
        select * from {{ ref('base_' ~ landing.system ~ '__' ~ landing.table) }}
    ),
{%- endfor %}

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

rows_read as (
    {%- for landing in landing_tables() %}
        {%- set system, table, date_column = landing.system, landing.table, landing.date_column %}
        select
            '{{ system }}' as source_system,
            '{{ table }}' as source_table,
            {{ 'cast(' ~ date_column ~ ' as date)' if date_column else 'cast(null as date)' }} as row_date,
            rejection_reason
        from base_{{ system }}__{{ table }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

dated as (
    select
        rows_read.source_system,
        rows_read.source_table,
        {{ month_start('coalesce(rows_read.row_date, int_reporting_dates.as_of_date)') }} as month_start,
        rows_read.rejection_reason
    from rows_read
    cross join int_reporting_dates
    where rows_read.row_date is null or rows_read.row_date <= int_reporting_dates.as_of_date
),

final as (
    select
        source_system,
        source_table,
        month_start,
        count(*) as rows_read_count,
        count(rejection_reason) as quarantined_row_count
    from dated
    group by source_system, source_table, month_start
)

select * from final
