{#- Staging's contract check, written once for every landing table.

    The contract itself (columns, types, required, accepted values, keys) is the source's YAML
    (models/staging/<system>/_<system>__sources.yml), so auditors read the same rules the
    warehouse enforces. stage_landing() reads one landing table and returns every row read, typed,
    with `rejection_reason` null for a valid row or the first rule it breaks:

      malformed_line        a line the landing preparation could not split into the header's
                            fields (unbalanced quote, too many or too few fields, undecodable
                            bytes); it arrives with its raw text, and so does any other reason
                            the preparation sets (zengin_trailer_mismatch, see landing/zengin.py)
      missing_required      a required column is empty
      bad_date, bad_timestamp, bad_amount, bad_integer, bad_boolean, bad_value
                            a value that does not parse, breaks a minimum, has more than two
                            decimals, or is not an accepted value
      unsupported_currency  a currency other than the reporting currency (no FX rates in the contract)
      <table rule>          a rule passed in `checks`, e.g. due_before_issue
      conflicting_duplicate two different rows share a key: all of them are rejected
      duplicate_key         an exact copy of an earlier row: the first is kept, the copies rejected
      unknown_reference     a reference to a row that is not staged (`references`)

    references: [{'column': c, 'to': ref(...) or 'self', 'key': k}] (k defaults to c)
    checks:     [(condition on typed columns, reason, column)] -#}

{% macro landing_contract(source_relation) -%}
    {%- set unique_id = 'source.' ~ project_name ~ '.' ~ source_relation.schema ~ '.' ~ source_relation.identifier -%}
    {%- set node = graph.sources[unique_id] -%}
    {%- set columns = [] -%}
    {%- for column in node.columns.values() -%}
        {%- set meta = column.meta or {} -%}
        {%- do columns.append({
            'name': column.name,
            'type': column.data_type or 'text',
            'required': meta.get('required', false),
            'accepted_values': meta.get('accepted_values'),
            'minimum': meta.get('minimum'),
            'default': meta.get('default'),
        }) -%}
    {%- endfor -%}
    {%- set table_meta = node.meta or {} -%}
    {{ return({
        'columns': columns,
        'unique_key': table_meta.get('unique_key', []),
        'row_key': table_meta.get('row_key', table_meta.get('unique_key', [])),
        'is_required': table_meta.get('required_file', false),
    }) }}
{%- endmacro %}


{% macro type_rejection_reason(data_type) -%}
    {{ return({
        'date': 'bad_date',
        'timestamp': 'bad_timestamp',
        'decimal': 'bad_amount',
        'integer': 'bad_integer',
        'boolean': 'bad_boolean',
    }.get(data_type, 'bad_value')) }}
{%- endmacro %}


{#- The field rules of one column, in the order they are applied: (condition, reason, column). -#}
{% macro field_checks(column) -%}
    {%- set raw = 'raw__' ~ column.name -%}
    {%- set parsed = column.name ~ '__parsed' -%}
    {%- set found = [] -%}
    {%- if column.required -%}
        {%- do found.append((raw ~ ' is null', 'missing_required')) -%}
    {%- endif -%}
    {%- if column.type not in ('text', 'currency') -%}
        {%- do found.append((raw ~ ' is not null and ' ~ parsed ~ ' is null', type_rejection_reason(column.type))) -%}
    {%- endif -%}
    {%- if column.type == 'decimal' -%}
        {%- do found.append((try_cast_to(raw, 'decimal(38, 6)') ~ ' <> ' ~ parsed, 'bad_amount')) -%}
    {%- endif -%}
    {%- if column.minimum is not none -%}
        {%- do found.append((parsed ~ ' < ' ~ column.minimum, type_rejection_reason(column.type))) -%}
    {%- endif -%}
    {%- if column.accepted_values -%}
        {%- do found.append((parsed ~ " not in ('" ~ column.accepted_values | join("', '") ~ "')", 'bad_value')) -%}
    {%- endif -%}
    {%- if column.type == 'currency' -%}
        {%- do found.append((parsed ~ " <> '" ~ var('reporting_currency') ~ "'", 'unsupported_currency')) -%}
    {%- endif -%}
    {%- set checks = [] -%}
    {%- for condition, reason in found -%}
        {%- do checks.append((condition, reason, column.name)) -%}
    {%- endfor -%}
    {{ return(checks) }}
{%- endmacro %}


{#- A column's value as staged: parsed, with the contract's default where the text was empty. -#}
{% macro typed_value(column) -%}
    {%- set parsed = column.name ~ '__parsed' -%}
    {%- if column.type == 'currency' -%}
        coalesce({{ parsed }}, '{{ var("reporting_currency") }}')
    {%- elif column.default is boolean -%}
        coalesce({{ parsed }}, {{ column.default }})
    {%- elif column.default is not none -%}
        coalesce({{ parsed }}, '{{ column.default }}')
    {%- else -%}
        {{ parsed }}
    {%- endif -%}
{%- endmacro %}


{% macro first_matching_rule(rules, pick) -%}
    case
        {%- for rule in rules %}
        when {{ rule[0] }} then '{{ rule[pick] }}'
        {%- endfor %}
    end
{%- endmacro %}


{#- One text of several columns, e.g. for hashing a whole row; with labels, `name=value; …`
    for people reading a quarantined row. -#}
{% macro joined_text(column_names, labels=none, separator='|') -%}
    {%- set parts = [] -%}
    {%- for column_name in column_names -%}
        {%- if labels -%}{%- do parts.append("'" ~ labels[loop.index0] ~ "='") -%}{%- endif -%}
        {%- do parts.append("coalesce(" ~ column_name ~ ", '')") -%}
        {%- if not loop.last -%}{%- do parts.append("'" ~ ('; ' if labels else separator) ~ "'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}


{#- A row's own id as text (`journal_id:line_number` for a composite key); a table without one
    names the row by its line in the file. -#}
{% macro row_key_expression(key_names) -%}
    {%- if key_names -%}
        {%- set raw_keys = [] -%}
        {%- for key_name in key_names -%}{%- do raw_keys.append('raw__' ~ key_name) -%}{%- endfor -%}
        {{ joined_text(raw_keys, separator=':') }}
    {%- else -%}
        {{ dbt.concat(["'line '", try_cast_to('_row_number', dbt.type_string())]) }}
    {%- endif -%}
{%- endmacro %}


{% macro stage_landing(source_relation, references=[], checks=[]) -%}
{%- if not execute -%}
    select 1 as placeholder
{%- else -%}
{%- set contract = landing_contract(source_relation) -%}
{%- set column_names = contract.columns | map(attribute='name') | list -%}
{%- set raw_names = [] -%}
{%- for column_name in column_names -%}{%- do raw_names.append('raw__' ~ column_name) -%}{%- endfor -%}
{%- set key_names = contract.unique_key -%}
{%- set group_names = key_names or ['row_hash'] -%}
{%- for column in contract.columns if column.name in key_names and not column.required -%}
    {{ exceptions.raise_compiler_error(
        "The key column " ~ column.name ~ " of " ~ source_relation.identifier ~ " must be required in the contract: "
        ~ "a valid row without its key could not be judged for duplicates.") }}
{%- endfor -%}
{%- set field_rules = [] -%}
{%- for column in contract.columns -%}{%- do field_rules.extend(field_checks(column)) -%}{%- endfor -%}
{%- do field_rules.extend(checks) -%}

with landing as (
    {{ read_landing(source_relation, column_names, contract.is_required) }}
),

cleaned as (
    select
        _source_file,
        _row_number,
        _source_line,
        _landing_rejection,
        _raw_line,
        {%- for column_name in column_names %}
        nullif(trim({{ column_name }}), '') as raw__{{ column_name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from landing
),

parsed as (
    select
        cleaned.*,
        {%- for column in contract.columns %}
        {{ parse_landing_value('raw__' ~ column.name, 'code' if column.accepted_values else column.type) | indent(8) }} as {{ column.name }}__parsed,
        {%- endfor %}
        {{ dbt.hash(joined_text(raw_names)) }} as row_hash
    from cleaned
),

typed as (
    select
        parsed.*,
        {%- for column in contract.columns %}
        {{ typed_value(column) }} as {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from parsed
),

field_checked as (
    select
        typed.*,
        coalesce(_landing_rejection, {{ first_matching_rule(field_rules, 1) | indent(8) }}) as field_rejection_reason,
        case when _landing_rejection is null then {{ first_matching_rule(field_rules, 2) | indent(8) }} end
            as field_rejected_column
    from typed
),

{#- Duplicates are judged among rows whose fields are valid, in one grouping that reads each row once:
    by the key (an exact copy of a row has its key too) or, for a table without one, by the whole
    row. A group of one row text is copies of one row (the first kept, the later ones rejected); a
    group of several is a conflict (all rejected). Only groups of two or more rows are joined back,
    so neither a window nor a copy of the whole row is needed. -#}
duplicate_groups as (
    select
        {{ group_names | join(', ') }},
        min(_row_number) as first_row_number,
        min(row_hash) <> max(row_hash) as has_conflicting_key
    from field_checked
    where field_rejection_reason is null
    group by {{ group_names | join(', ') }}
    having count(*) > 1
),

keyed as (
    select
        field_checked.*,
        coalesce(field_checked._row_number > duplicate_groups.first_row_number, false) as is_later_copy,
        coalesce(duplicate_groups.has_conflicting_key, false) as has_conflicting_key
    from field_checked
    left join duplicate_groups
        on
            field_checked.field_rejection_reason is null
            {%- for group_name in group_names %}
            and field_checked.{{ group_name }} = duplicate_groups.{{ group_name }}
            {%- endfor %}
),

{%- for reference in references %}
{%- set key = reference.get('key', reference.column) %}

referenced_{{ loop.index }} as (
    select distinct {{ key }} as referenced_key
    {%- if reference.to == 'self' %}
    from keyed
    where field_rejection_reason is null and not has_conflicting_key
    {%- else %}
    from {{ reference.to }}
    {%- endif %}
),
{%- endfor %}

checked as (
    select
        keyed.*,
        case
            when field_rejection_reason is not null then field_rejection_reason
            when has_conflicting_key then 'conflicting_duplicate'
            when is_later_copy then 'duplicate_key'
            {%- for reference in references %}
            when keyed.{{ reference.column }} is not null
                and referenced_{{ loop.index }}.referenced_key is null then 'unknown_reference'
            {%- endfor %}
        end as rejection_reason,
        case
            when field_rejection_reason is not null then field_rejected_column
            when has_conflicting_key or is_later_copy then '{{ key_names | join(",") }}'
            {%- for reference in references %}
            when keyed.{{ reference.column }} is not null
                and referenced_{{ loop.index }}.referenced_key is null then '{{ reference.column }}'
            {%- endfor %}
        end as rejected_column
    from keyed
    {%- for reference in references %}
    left join referenced_{{ loop.index }}
        on keyed.{{ reference.column }} = referenced_{{ loop.index }}.referenced_key
    {%- endfor %}
),

final as (
    select
        {%- for column_name in column_names %}
        {{ column_name }},
        {%- endfor %}
        case
            when _landing_rejection = 'malformed_line'
                then {{ dbt.concat(["'line '", try_cast_to('_source_line', dbt.type_string())]) }}
            else {{ row_key_expression(contract.row_key) }}
        end as row_key,
        rejection_reason,
        rejected_column,
        case
            when rejection_reason is not null then coalesce(_raw_line, {{ joined_text(raw_names, labels=column_names) }})
        end as raw_values,
        _source_file as source_file,
        _row_number as source_row_number,
        _source_line as source_line_number
    from checked
)

select * from final
{%- endif -%}
{%- endmacro %}
