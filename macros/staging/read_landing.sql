{#- Reading a landing table: the one engine-specific step of staging.

    read_landing(source_relation, column_names, is_required) returns a select of every contract
    column as text (absent optional column = null) of the table's files (`<table>.csv` or .parquet
    and its daily files `<table>_YYYY-MM-DD.csv`, landing_table_files()), plus the provenance
    columns of landing_provenance_columns(): _source_file (the row's own file), _row_number (the
    row's position in the table, 1 = first data row of its first file), _source_line (the physical
    line or record in the row's original file, when known), _landing_rejection and _raw_line (set by the landing preparation for a line it could
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


{#- The provenance of each landing row. `present` lists the columns of the file(s); a prepared file
    (landing/prepare.py) names its original file and line itself, so the quarantine points at the
    file as it landed, not at the prepared copy. `path` none = no file (an empty select). Of files
    read as they landed (`columns_by_file`: each file's own columns), each file's contract columns
    (`contract_columns`) decide whether one of its rows was cut short; a column the file has beyond
    the contract (or one DuckDB names for a row with extra fields), or one only another daily file
    has, does not. `_row_number` is the row's position in the table (its files in file-name order),
    as the preparation numbers it; `_source_line` counts within the row's own file. -#}
{% macro landing_provenance_columns(path, present=[], contract_columns=[], columns_by_file={}) -%}
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
        {#- Files read as they landed (no preparation): a row with a missing field is a truncated
            line, `malformed_line`, numbered as the physical line it is in its own file when no
            quoted field of that file spans lines (row position in the file + 1 for the header). -#}
        {%- set cut_short_by_file = [] -%}
        {%- for file_path, file_columns in columns_by_file.items() -%}
            {%- set missing = [] -%}
            {%- for column_name in file_columns if column_name in contract_columns -%}
                {%- do missing.append(adapter.quote(column_name) ~ ' is null') -%}
            {%- endfor -%}
            {%- do cut_short_by_file.append((file_path, missing | join(' or ') if missing and file_path.endswith('.csv') else 'false')) -%}
        {%- endfor -%}
        {%- set conditions = cut_short_by_file | map(attribute=1) | unique | list -%}
        {%- if conditions | length == 1 -%}
            {%- set is_cut_short = conditions[0] -%}
        {%- else -%}
            {%- set is_cut_short -%}
                case
                {%- for file_path, condition in cut_short_by_file %}
                    when _landing_file = '{{ file_path }}' then {{ condition }}
                {%- endfor %}
                else false end
            {%- endset -%}
        {%- endif -%}
        {%- set file_row = '_landing_row' if columns_by_file | length == 1
            else '_landing_row - min(_landing_row) over (partition by _landing_file) + 1' -%}
        cast(_landing_file as {{ dbt.type_string() }}) as _source_file,
        _landing_row as _row_number,
        case when {{ is_cut_short }} then {{ file_row }} + 1 end as _source_line,
        case when {{ is_cut_short }} then 'malformed_line' end as _landing_rejection,
        cast(null as {{ dbt.type_string() }}) as _raw_line
    {%- endif -%}
{%- endmacro %}


{% macro landing_path(source_relation) -%}
    {{ return(landing_dir() ~ '/' ~ source_relation.schema ~ '/' ~ source_relation.identifier) }}
{%- endmacro %}


{#- The files of one landing table, in file-name order: `<stem>.csv` (or .parquet) and every daily
    file `<stem>_YYYY-MM-DD.csv` (or .parquet) whose date exists. `<stem>_backup.csv` and the files
    of a table whose name merely begins like this one's (`case_invoices` beside `cases`) are not
    among them. The same set as landing/prepare.py `table_files`. -#}
{% macro landing_table_files(stem) -%}
    {%- set quoted = stem | replace("'", "''") -%}
    {%- set day = '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' -%}
    {%- set listing -%}
        select file from glob('{{ quoted }}.csv')
        union all
        select file from glob('{{ quoted }}.parquet')
        union all
        select file from glob('{{ quoted }}_{{ day }}.csv')
        union all
        select file from glob('{{ quoted }}_{{ day }}.parquet')
    {%- endset -%}
    {%- set query -%}
        select file from ({{ listing }}) as listed
        where file in ('{{ quoted }}.csv', '{{ quoted }}.parquet')
            or try_strptime(regexp_extract(file, '_([0-9]{4}-[0-9]{2}-[0-9]{2})[.](csv|parquet)$', 1), '%Y-%m-%d')
            is not null
        order by file
    {%- endset -%}
    {%- set found = [] -%}
    {%- for row in run_query(query).rows -%}{%- do found.append(row[0]) -%}{%- endfor -%}
    {{ return(found) }}
{%- endmacro %}


{#- DuckDB's reader of landing files (all CSV or all Parquet), by column name across files, each
    row with its own file's name in `_landing_file`. -#}
{% macro duckdb__landing_reader(paths) -%}
    {%- set quoted = [] -%}
    {%- for path in paths -%}{%- do quoted.append("'" ~ path | replace("'", "''") ~ "'") -%}{%- endfor -%}
    {%- set files = '[' ~ quoted | join(', ') ~ ']' -%}
    {%- if paths[0].endswith('.csv') -%}
        {#- Every column as text: types are checked row by row in staging, so a bad value
            quarantines one row instead of failing the whole file. A row with fewer fields than
            the header is read (null_padding) and marked malformed below: with no null string
            (nullstr is a control character no export writes) a field that is there is at least
            '', so null means the field is missing and the row was cut short. -#}
        {{ return("read_csv(" ~ files ~ ", header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', null_padding = true, nullstr = chr(1), union_by_name = true, filename = '_landing_file')") }}
    {%- else -%}
        {{ return("read_parquet(" ~ files ~ ", union_by_name = true, filename = '_landing_file')") }}
    {%- endif -%}
{%- endmacro %}


{% macro duckdb__read_landing(source_relation, column_names, is_required) -%}
    {%- if not execute -%}
        {{ return(empty_landing_select(column_names)) }}
    {%- endif -%}
    {%- set stem = landing_path(source_relation) -%}
    {%- set found = landing_table_files(stem) -%}
    {%- if found | length == 0 -%}
        {%- if is_required -%}
            {{ exceptions.raise_compiler_error(
                "Required landing file missing: " ~ stem ~ ".csv (or .parquet). "
                ~ "Set AR_LANDING_DIR to the folder holding <system>/<table>.csv (now: " ~ landing_dir() ~ ").") }}
        {%- endif -%}
        {{ return(empty_landing_select(column_names)) }}
    {%- endif -%}
    {%- set csv_files = [] -%}
    {%- for path in found if path.endswith('.csv') -%}{%- do csv_files.append(path) -%}{%- endfor -%}
    {%- if csv_files and csv_files | length < found | length -%}
        {{ exceptions.raise_compiler_error(
            "Both .csv and .parquet files land for " ~ stem ~ "; keep one format: " ~ found | join(', ')) }}
    {%- endif -%}
    {#- Each file's own columns, for telling a row cut short from a column its file does not have:
        one query for all the files (a query per file costs dbt far more than DuckDB). -#}
    {%- set describes = [] -%}
    {%- for path in found -%}
        {%- do describes.append(
            "select " ~ loop.index ~ " as file_number, row_number() over () as column_number, column_name"
            ~ " from (describe select * from " ~ duckdb__landing_reader([path]) ~ ") as described") -%}
    {%- endfor -%}
    {%- set present = [] -%}
    {%- set columns_by_file = {} -%}
    {%- for path in found -%}{%- do columns_by_file.update({path | replace("'", "''"): []}) -%}{%- endfor -%}
    {%- for row in run_query(describes | join(' union all ') ~ ' order by file_number, column_number').rows -%}
        {%- set column_name = row[2] | lower | trim -%}
        {%- if column_name != '_landing_file' -%}
            {%- do columns_by_file[found[row[0] - 1] | replace("'", "''")].append(column_name) -%}
            {%- if column_name not in present -%}{%- do present.append(column_name) -%}{%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set prepared = [] -%}
    {%- for file_columns in columns_by_file.values() if '_source_row' in file_columns -%}
        {%- do prepared.append(file_columns) -%}
    {%- endfor -%}
    {%- if prepared and prepared | length < found | length -%}
        {{ exceptions.raise_compiler_error(
            "Prepared and unprepared files land together for " ~ stem ~ " (" ~ found | join(', ') ~ "): "
            ~ "point landing_dir at the landing folder or at the prepared one, not at a mix.") }}
    {%- endif -%}
    {%- set reader = duckdb__landing_reader(found) -%}
    {%- if '_source_row' not in present -%}
        {%- set reader = '(select *, row_number() over () as _landing_row from ' ~ reader ~ ') as landed' -%}
    {%- endif -%}
    {{ landing_select(column_names, present, found, reader, columns_by_file) }}
{%- endmacro %}


{#- The contract's columns of landing files as text (null where the files lack one), with their
    provenance; `present` lists the files' columns, `reader` is what reads them, `path` the file
    (or files) and `columns_by_file` each file's columns, for files read as they landed. -#}
{% macro landing_select(column_names, present, path, reader, columns_by_file={}) -%}
    select
        {%- for column_name in column_names %}
        {%- if column_name in present %}
        cast({{ adapter.quote(column_name) }} as {{ dbt.type_string() }}) as {{ column_name }},
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as {{ column_name }},
        {%- endif %}
        {%- endfor %}
        {{ landing_provenance_columns(path, present, column_names, columns_by_file) }}
    from {{ reader }}
{%- endmacro %}
