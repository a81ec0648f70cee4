{#- Nothing is lost in staging: for one landing table, the rows read from the file equal the rows
    staged plus the rows quarantined in rejected_rows, and so do the amounts of each amount column
    (a value that does not parse counts as zero on both sides). Fails with one row per mismatch. -#}
{% test reconciles_with_landing(model, source_name, table_name, amount_columns=[], staged_amount_columns=[]) %}
{%- set landing = source(source_name, table_name) -%}
{%- set contract = landing_contract(landing) if execute else {'columns': [], 'is_required': false} -%}
{%- set column_names = contract.columns | map(attribute='name') | list -%}

with read_rows as (
    select
        count(*) as row_count
        {%- for amount_column in amount_columns %},
        coalesce(sum({{ try_cast_to('nullif(trim(' ~ amount_column ~ "), '')", 'decimal(18, 2)') }}), 0) as {{ amount_column }}
        {%- endfor %}
    from ({{ read_landing(landing, column_names, contract.is_required) }}) as landing
),

staged_rows as (
    select
        count(*) as row_count
        {%- for amount_column in amount_columns %},
        coalesce(sum({{ staged_amount_columns[loop.index0] }}), 0) as {{ amount_column }}
        {%- endfor %}
    from {{ model }}
),

rejected_rows as (
    select
        count(*) as row_count
        {%- for amount_column in amount_columns %},
        coalesce(sum({{ amount_column }}), 0) as {{ amount_column }}
        {%- endfor %}
    from {{ ref('base_' ~ source_name ~ '__' ~ table_name) }}
    where rejection_reason is not null
),

quarantined as (
    select count(*) as row_count
    from {{ ref('rejected_rows') }}
    where source_system = '{{ source_name }}' and source_table = '{{ table_name }}'
),

mismatches as (
    select 'rows' as measure, read_rows.row_count as read_value,
        staged_rows.row_count + quarantined.row_count as staged_plus_rejected
    from read_rows cross join staged_rows cross join quarantined
    {%- for amount_column in amount_columns %}
    union all
    select '{{ amount_column }}', read_rows.{{ amount_column }},
        staged_rows.{{ amount_column }} + rejected_rows.{{ amount_column }}
    from read_rows cross join staged_rows cross join rejected_rows
    {%- endfor %}
)

select * from mismatches where read_value <> staged_plus_rejected
{% endtest %}
