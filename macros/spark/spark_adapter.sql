{#- The Spark versions of the project's dispatched macros (AR_DBT_TARGET=spark). Models never
    branch on the engine: what differs between DuckDB and Spark SQL lives here. -#}

{#- Spark reads the prepared landing folder (landing/prepare.py), where every contract table is a
    UTF-8 CSV with its provenance columns, present even when nothing landed (header only). Each
    file becomes a temporary view of this session, every column as text. -#}
{% macro spark__read_landing(source_relation, column_names, is_required) -%}
    {%- if not execute -%}
        {{ return(empty_landing_select(column_names)) }}
    {%- endif -%}
    {%- set path = landing_path(source_relation) ~ '.csv' -%}
    {%- if not (path.startswith('/') or '://' in path or path.startswith('dbfs:')) -%}
        {{ exceptions.raise_compiler_error(
            "On Spark, landing_dir must be an absolute path or a URI the cluster reads (hdfs://, s3a://, "
            ~ "abfss://, dbfs:/ …), not '" ~ landing_dir() ~ "': the Thrift server resolves relative paths "
            ~ "from its own working directory.") }}
    {%- endif -%}
    {%- set view = 'landing__' ~ source_relation.schema ~ '__' ~ source_relation.identifier -%}
    {%- do run_query(
        "create or replace temporary view " ~ view ~ " using csv options ("
        ~ "path '" ~ path | replace("'", "\\'") ~ "', header 'true', multiLine 'true', quote '\"', escape '\"', "
        ~ "mode 'PERMISSIVE', encoding 'UTF-8', inferSchema 'false')"
    ) -%}
    {%- set present = [] -%}
    {%- for row in run_query("describe " ~ view).rows -%}
        {%- do present.append(row[0] | lower | trim) -%}
    {%- endfor -%}
    {%- if '_source_row' not in present -%}
        {{ exceptions.raise_compiler_error(
            path ~ " is not a prepared landing file. On Spark, dbt reads the prepared folder: run "
            ~ "`python -m landing prepare` and set landing_dir (make build does both).") }}
    {%- endif -%}
    {{ landing_select(column_names, present, path, view) }}
{%- endmacro %}


{% macro spark__try_cast_to(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}


{#- ISO 8601 text as local time without a zone (TIMESTAMP_NTZ, as on DuckDB). The session's
    time zone is var('source_timezone') (profiles.yml sets spark.sql.session.timeZone), so a value
    with an offset, read as that instant, casts to its local time there. -#}
{% macro spark__parse_local_timestamp(column_name) -%}
    case
        when {{ column_name }} rlike '(Z|[+-][0-9]{2}:?[0-9]{2})$'
            then cast(try_cast({{ column_name }} as timestamp_ltz) as timestamp_ntz)
        else try_cast({{ column_name }} as timestamp_ntz)
    end
{%- endmacro %}


{#- dbt-spark's dateadd stops on a null date; date_add is null-safe. -#}
{% macro spark__add_days(date_expression, days) -%}
    date_add({{ date_expression }}, cast({{ days }} as int))
{%- endmacro %}


{% macro spark__month_end(date_expression) -%}
    last_day({{ date_expression }})
{%- endmacro %}
