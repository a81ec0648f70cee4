-- 法人番号チェックデジット誤り: every staged customer record whose corporate number is 13 digits but whose
-- check digit is wrong. The row keeps staging; its stg_ view nulls the number, so it is never matched on
-- (名寄せ rule 1), and this model records what was received, one row per record.
{%- set checked = [
    ('billing', 'customers', 'corporate_number'),
    ('accounting', 'customers', 'corporate_number'),
    ('crm', 'accounts', 'corporate_number'),
    ('legal', 'cases', 'debtor_corporate_number'),
] %}

with
{%- for system, table, column in checked %}

    findings_{{ system }}__{{ table }} as (
        select
            '{{ system }}' as source_system,
            '{{ table }}' as source_table,
            source_file,
            source_row_number,
            row_key,
            '{{ column }}' as finding_column,
            {{ column }} as corporate_number_received,
            cast({{ corporate_number_check_digit(column) }} as {{ dbt.type_int() }}) as expected_check_digit
        from {{ ref('base_' ~ system ~ '__' ~ table) }}
        where
            rejection_reason is null
            and {{ column }} is not null
            and not {{ has_valid_check_digit(column) }}
    ),
{%- endfor %}

unioned as (
    {%- for system, table, column in checked %}
        select * from findings_{{ system }}__{{ table }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        {{ dbt.hash(dbt.concat(["source_system", "'|'", "source_table", "'|'", try_cast_to('source_row_number', dbt.type_string())])) }}  -- noqa: LT05
            as finding_id,
        source_system,
        source_table,
        source_file,
        source_row_number,
        row_key,
        finding_column,
        corporate_number_received,
        expected_check_digit,
        'bad_check_digit' as reason
    from unioned
)

select * from final
