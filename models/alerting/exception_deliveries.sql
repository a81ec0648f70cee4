-- 通知履歴 — one row per attempt to deliver an alert (Slack, Microsoft Teams), written by the
-- orchestration's alert sensor, never by dbt: this model only creates the table, empty, on its first
-- build, and adds nothing afterwards. `full_refresh: false` keeps it through `dbt build --full-refresh`;
-- `append_new_columns` lets a new contract column be added without dropping the rows.
{{ config(
    materialized='incremental',
    full_refresh=false,
    on_schema_change='append_new_columns',
) }}

with no_attempts as (
    select
        cast(null as {{ dbt.type_string() }}) as exception_id,
        cast(null as {{ dbt.type_string() }}) as alert_id,
        cast(null as {{ dbt.type_string() }}) as channel,
        cast(null as {{ dbt.type_timestamp() }}) as attempted_at,
        cast(null as {{ dbt.type_string() }}) as status,
        cast(null as {{ dbt.type_string() }}) as error
),

final as (
    select
        exception_id,
        alert_id,
        channel,
        attempted_at,
        status,
        error
    from no_attempts
    where 1 = 0
)

select * from final
