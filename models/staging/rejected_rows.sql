-- 隔離行 — every landing row that breaks the contract, one row each, with its reason.
{%- set landing_tables = [
    ('billing', 'customers', none),
    ('billing', 'invoices', 'amount'),
    ('bank', 'transactions', 'amount'),
    ('bank', 'balances', 'balance'),
    ('accounting', 'accounts', none),
    ('accounting', 'customers', none),
    ('accounting', 'journal_lines', 'debit'),
    ('accounting', 'cash_applications', 'applied_amount'),
    ('crm', 'accounts', none),
    ('crm', 'assignees', none),
    ('crm', 'activities', 'promise_amount'),
    ('crm', 'tasks', none),
    ('legal', 'cases', none),
    ('legal', 'case_invoices', 'transferred_amount'),
    ('legal', 'events', 'cost'),
    ('legal', 'recoveries', 'amount'),
    ('guarantee', 'claims', 'claimed_amount'),
    ('treasury', 'cash_forecasts', 'forecast_balance'),
] %}

with
{%- for system, table, amount_column in landing_tables %}

rejected_{{ system }}__{{ table }} as (
    select
        '{{ system }}' as source_system,
        '{{ table }}' as source_table,
        source_file,
        source_row_number,
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
    {%- for system, table, amount_column in landing_tables %}
    select * from rejected_{{ system }}__{{ table }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        {{ dbt.hash(dbt.concat(["source_system", "'|'", "source_table", "'|'", try_cast_to('source_row_number', dbt.type_string())])) }}
            as rejected_row_id,
        source_system,
        source_table,
        source_file,
        source_row_number,
        row_key,
        reason,
        rejected_column,
        rejected_amount,
        raw_values
    from unioned
)

select * from final
