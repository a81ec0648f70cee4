{#- delete+insert on Spark's Parquet tables. dbt-spark offers append, insert_overwrite and merge, and
    merge needs Delta, Iceberg or Hudi, whose jars the pyspark wheel does not ship. The project's
    incremental models replace rows by their unique key (the receivable ledger within its lookback
    window, the exception ledger, its status history), so on Spark the same strategy is written
    out: the kept rows of the table (key not in the new batch) and the new batch go into a new
    table, which then takes the table's name. Parquet has no row-level delete, and a table cannot
    be overwritten while the batch reads it (the exception ledger reads itself). The old table is
    renamed aside before the swap and dropped after it, so a failure midway leaves its rows in
    `<table>__dbt_old`, never lost. These two macros override dbt-spark's own and hand every other
    strategy to them. -#}

{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) -%}
    {%- if raw_strategy == 'delete+insert' -%}
        {{ return(raw_strategy) }}
    {%- endif -%}
    {{ return(dbt.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) }}
{%- endmacro %}


{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) -%}
    {%- if strategy != 'delete+insert' -%}
        {{ return(dbt.dbt_spark_get_incremental_sql(
            strategy, source, target, existing, unique_key, incremental_predicates)) }}
    {%- endif -%}
    {%- if not unique_key -%}
        {{ exceptions.raise_compiler_error("delete+insert needs a unique_key (" ~ target ~ ")") }}
    {%- endif -%}
    {%- set same_key = [] -%}
    {%- for key in ([unique_key] if unique_key is string else unique_key) -%}
        {%- do same_key.append('batch.' ~ key ~ ' = kept.' ~ key) -%}
    {%- endfor -%}
    {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='quoted') | join(', ') -%}
    {{ spark__replace_table_contents(target,
        'select ' ~ columns ~ ' from ' ~ target ~ ' as kept where not exists (select 1 from ' ~ source
        ~ ' as batch where ' ~ same_key | join(' and ') ~ ') union all select ' ~ columns ~ ' from ' ~ source) }}
{%- endmacro %}


{#- The rows of `relation` become those of `select_sql` (which may read `relation` itself). Runs
    every step but the last and returns that one, the statement its caller executes. -#}
{% macro spark__replace_table_contents(relation, select_sql) -%}
    {%- set rebuilt = relation.incorporate(path={'identifier': relation.identifier ~ '__dbt_new'}) -%}
    {%- set set_aside = relation.incorporate(path={'identifier': relation.identifier ~ '__dbt_old'}) -%}
    {%- do run_query('drop table if exists ' ~ rebuilt) -%}
    {%- do run_query('drop table if exists ' ~ set_aside) -%}
    {%- do run_query('create table ' ~ rebuilt ~ ' using parquet as ' ~ select_sql) -%}
    {%- do run_query('alter table ' ~ relation ~ ' rename to ' ~ set_aside) -%}
    {%- do run_query('alter table ' ~ rebuilt ~ ' rename to ' ~ relation) -%}
    drop table {{ set_aside }}
{%- endmacro %}


{#- `delete from relation where condition`, for a hook: Parquet tables on Spark are rewritten
    without those rows instead. -#}
{% macro delete_where(relation, condition) -%}
    {{ return(adapter.dispatch('delete_where', 'ar_warehouse')(relation, condition)) }}
{%- endmacro %}

{% macro default__delete_where(relation, condition) -%}
    delete from {{ relation }} where {{ condition }}
{%- endmacro %}

{% macro spark__delete_where(relation, condition) -%}
    {{ spark__replace_table_contents(relation,
        'select * from ' ~ relation ~ ' where not coalesce(' ~ condition ~ ', false)') }}
{%- endmacro %}
