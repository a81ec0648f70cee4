-- データ品質チェック結果 — one row per data-quality check run (dbt tests, Great Expectations suites)
-- as the orchestration layer records it: the failed checks are processing errors in
-- fct_error_rates (kpis.md エラー率, category `processing`), the checks run are its items.
-- For now an empty, typed relation: the orchestration layer records check results after dbt has
-- run, and will point this model at the table it writes (the columns below are the interface).
with no_results_yet as (
    select
        cast(null as {{ dbt.type_string() }}) as check_name,
        cast(null as timestamp) as checked_at,
        cast(null as {{ dbt.type_string() }}) as severity,
        cast(null as {{ dbt.type_string() }}) as status,
        cast(null as {{ dbt.type_bigint() }}) as failed_rows
),

final as (
    select
        check_name,
        checked_at,
        severity,
        status,
        failed_rows
    from no_results_yet
    where 1 = 0
)

select * from final
