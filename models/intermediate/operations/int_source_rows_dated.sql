-- Every landing row read (staged + quarantined: the base models hold both), dated to the month the
-- input-error rate (kpis.md エラー率, category `input`) counts it in: the row's own business date
-- (invoice date, value date, posting date, activity time …) when it parses, else the as-of month
-- (master data without a date, and rows whose date is the very thing that failed). Rows dated after
-- the as-of date are not read yet as of that date and are left out. Whether a row is quarantined
-- is taken from `rejected_rows`, the quarantine itself, so the error count is the quarantine's.


with
{%- for landing in landing_tables() %}

    base_{{ landing.system }}__{{ landing.table }} as (
        select * from {{ ref('base_' ~ landing.system ~ '__' ~ landing.table) }}
    ),
{%- endfor %}

rejected_rows as (
    select * from {{ ref('rejected_rows') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

rows_read as (
    {%- for landing in landing_tables() %}
        {%- set system, table, date_column = landing.system, landing.table, landing.date_column %}
        select
            '{{ system }}' as source_system,
            '{{ table }}' as source_table,
            source_file,
            source_row_number,
            {{ 'cast(' ~ date_column ~ ' as date)' if date_column else 'cast(null as date)' }} as row_date
        from base_{{ system }}__{{ table }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        rows_read.source_system,
        rows_read.source_table,
        rows_read.source_file,
        rows_read.source_row_number,
        rows_read.row_date,
        {{ month_start('coalesce(rows_read.row_date, int_reporting_dates.as_of_date)') }} as month_start,
        rejected_rows.rejected_row_id is not null as is_quarantined,
        rejected_rows.reason as rejection_reason
    from rows_read
    cross join int_reporting_dates
    left join rejected_rows
        on
            rows_read.source_system = rejected_rows.source_system
            and rows_read.source_table = rejected_rows.source_table
            and rows_read.source_file = rejected_rows.source_file
            and rows_read.source_row_number = rejected_rows.source_row_number
    where rows_read.row_date is null or rows_read.row_date <= int_reporting_dates.as_of_date
)

select * from final
