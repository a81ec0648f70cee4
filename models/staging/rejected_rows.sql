-- 隔離行 — every landing row that breaks the contract, one row each, with its reason.
with
{%- for landing in landing_tables() %}
    {%- set system, table, amount_column = landing.system, landing.table, landing.amount_column %}

    rejected_{{ system }}__{{ table }} as (
        select
            '{{ system }}' as source_system,
            '{{ table }}' as source_table,
            source_file,
            source_row_number,
            source_line_number,
            row_key,
            rejection_reason as reason,
            rejected_column,
            {{ amount_column if amount_column else 'cast(null as decimal(18, 2))' }} as rejected_amount,
            raw_values
        from {{ ref('base_' ~ system ~ '__' ~ table) }}
        where rejection_reason is not null
    ),
{%- endfor %}

unioned as (
    {%- for landing in landing_tables() %}
        select * from rejected_{{ landing.system }}__{{ landing.table }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        {{ dbt.hash(dbt.concat(["source_system", "'|'", "source_table", "'|'", try_cast_to('source_row_number', dbt.type_string())])) }}  -- noqa: LT05
            as rejected_row_id,
        source_system,
        source_table,
        source_file,
        source_row_number,
        source_line_number,
        row_key,
        reason,
        rejected_column,
        rejected_amount,
        raw_values
    from unioned
)

select * from final
