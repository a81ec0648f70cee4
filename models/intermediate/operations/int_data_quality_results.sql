-- データ品質チェック結果 — one row per data-quality check run (dbt tests, Great Expectations suites)
-- as the orchestration layer records it in ops.data_quality_results: the failed checks are
-- processing errors in fct_error_rates (kpis.md エラー率, category `processing`), the checks run
-- are its items. A warehouse that Dagster has never run has no such table yet: the model is then
-- an empty, typed relation with the same columns.
{%- set recorded = adapter.get_relation(database=target.database, schema='ops', identifier='data_quality_results')
    if execute else none %}

with recorded_results as (
    {%- if recorded is not none %}
    select
        check_name,
        checked_at,
        severity,
        status,
        failed_rows
    from {{ recorded }}
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as check_name,
            cast(null as timestamp) as checked_at,
            cast(null as {{ dbt.type_string() }}) as severity,
            cast(null as {{ dbt.type_string() }}) as status,
            cast(null as {{ dbt.type_bigint() }}) as failed_rows
        where 1 = 0
    {%- endif %}
),

final as (
    select
        cast(check_name as {{ dbt.type_string() }}) as check_name,
        cast(checked_at as timestamp) as checked_at,
        cast(severity as {{ dbt.type_string() }}) as severity,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(failed_rows as {{ dbt.type_bigint() }}) as failed_rows
    from recorded_results
)

select * from final
