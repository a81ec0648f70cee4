{#- Reading a landing table: the one engine-specific step of staging.

    read_landing(source_relation, column_names, is_required) returns a select of every contract
    column as text (absent optional column = null), plus the provenance columns of
    landing_provenance_columns(): _source_file, _row_number (the row's position in the table,
    1 = first data row), _source_line (the physical line or record in the original file, when
    known), _landing_rejection and _raw_line (set by the landing preparation for a line it could
    not split: `python -m landing prepare`, see landing/prepare.py). A prepared file carries these
    as columns; a file read as it landed gets them from the reader. An absent optional file gives
    an empty select; an absent required file stops the run with a clear error. Another engine
    (Spark) needs only its own `<adapter>__read_landing`. -#}

{% macro read_landing(source_relation, column_names, is_required=false) -%}
    {{ return(adapter.dispatch('read_landing', 'ar_warehouse')(source_relation, column_names, is_required)) }}
{%- endmacro %}


{% macro empty_landing_select(column_names) -%}
    select
        {%- for column_name in column_names %}
        cast(null as {{ dbt.type_string() }}) as {{ column_name }},
        {%- endfor %}
        {{ landing_provenance_columns(none) }}
    where 1 = 0
{%- endmacro %}


{#- The provenance of each landing row. `present` lists the columns of the file; a prepared file
    (landing/prepare.py) names its original file and line itself, so the quarantine points at the
    file as it landed, not at the prepared copy. `path` none = no file (an empty select). Of a file
    read as it landed, the contract's columns (`contract_columns`) decide whether a row was cut short;
    a column the file has beyond the contract (or one DuckDB names for a row with extra fields) does not. -#}
{% macro landing_provenance_columns(path, present=[], contract_columns=[]) -%}
    {%- if path is none -%}
        cast(null as {{ dbt.type_string() }}) as _source_file,
        cast(null as {{ dbt.type_bigint() }}) as _row_number,
        cast(null as {{ dbt.type_bigint() }}) as _source_line,
        cast(null as {{ dbt.type_string() }}) as _landing_rejection,
        cast(null as {{ dbt.type_string() }}) as _raw_line
    {%- elif '_source_row' in present -%}
        cast(nullif(_source_file, '') as {{ dbt.type_string() }}) as _source_file,
        cast(nullif(_source_row, '') as {{ dbt.type_bigint() }}) as _row_number,
        cast(nullif(_source_line, '') as {{ dbt.type_bigint() }}) as _source_line,
        cast(nullif(_landing_rejection, '') as {{ dbt.type_string() }}) as _landing_rejection,
        cast(nullif(_raw_line, '') as {{ dbt.type_string() }}) as _raw_line
    {%- else -%}
        {#- A file read as it landed (no preparation): a row with a missing field is a truncated
            line, `malformed_line`, numbered as the physical line it is when no quoted field of
            the file spans lines (row position + 1 for the header). -#}
        {%- set missing = [] -%}
        {%- for column_name in present if column_name in contract_columns -%}
            {%- do missing.append(adapter.quote(column_name) ~ ' is null') -%}
        {%- endfor -%}
        {%- set is_cut_short = missing | join(' or ') if missing and path.endswith('.csv') else 'false' -%}
        '{{ path }}' as _source_file,
        row_number() over () as _row_number,
        case when {{ is_cut_short }} then row_number() over () + 1 end as _source_line,
        case when {{ is_cut_short }} then 'malformed_line' end as _landing_rejection,
        cast(null as {{ dbt.type_string() }}) as _raw_line
    {%- endif -%}
{%- endmacro %}


{% macro landing_path(source_relation) -%}
    {{ return(landing_dir() ~ '/' ~ source_relation.schema ~ '/' ~ source_relation.identifier) }}
{%- endmacro %}


{% macro duckdb__read_landing(source_relation, column_names, is_required) -%}
    {%- if not execute -%}
        {{ return(empty_landing_select(column_names)) }}
    {%- endif -%}
    {%- set stem = landing_path(source_relation) -%}
    {%- set found = [] -%}
    {%- for extension in ['csv', 'parquet'] -%}
        {%- set listing = run_query("select file from glob('" ~ (stem ~ '.' ~ extension) | replace("'", "''") ~ "')") -%}
        {%- for row in listing.rows -%}{%- do found.append(row[0]) -%}{%- endfor -%}
    {%- endfor -%}
    {%- if found | length == 0 -%}
        {%- if is_required -%}
            {{ exceptions.raise_compiler_error(
                "Required landing file missing: " ~ stem ~ ".csv (or .parquet). "
                ~ "Set AR_LANDING_DIR to the folder holding <system>/<table>.csv (now: " ~ landing_dir() ~ ").") }}
        {%- endif -%}
        {{ return(empty_landing_select(column_names)) }}
    {%- endif -%}
    {%- if found | length > 1 -%}
        {{ exceptions.raise_compiler_error("Both a .csv and a .parquet file land for " ~ stem ~ "; keep one.") }}
    {%- endif -%}
    {%- set path = found[0] | replace("'", "''") -%}
    {%- if path.endswith('.csv') -%}
        {#- Every column as text: types are checked row by row in staging, so a bad value
            quarantines one row instead of failing the whole file. A row with fewer fields than
            the header is read (null_padding) and marked malformed below: with no null string
            (nullstr is a control character no export writes) a field that is there is at least
            '', so null means the field is missing and the row was cut short. -#}
        {%- set reader = "read_csv('" ~ path ~ "', header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', null_padding = true, nullstr = chr(1))" -%}
    {%- else -%}
        {%- set reader = "read_parquet('" ~ path ~ "')" -%}
    {%- endif -%}
    {%- set present = [] -%}
    {%- for row in run_query("describe select * from " ~ reader).rows -%}
        {%- do present.append(row[0] | lower | trim) -%}
    {%- endfor -%}
    {{ landing_select(column_names, present, path, reader) }}
{%- endmacro %}


{#- The contract's columns of a landing file as text (null where the file lacks one), with its
    provenance; `present` lists the file's columns, `reader` is what reads it. -#}
{% macro landing_select(column_names, present, path, reader) -%}
    select
        {%- for column_name in column_names %}
        {%- if column_name in present %}
        cast({{ adapter.quote(column_name) }} as {{ dbt.type_string() }}) as {{ column_name }},
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as {{ column_name }},
        {%- endif %}
        {%- endfor %}
        {{ landing_provenance_columns(path, present, column_names) }}
    from {{ reader }}
{%- endmacro %}
