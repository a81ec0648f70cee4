-- 例外ステータス履歴 — one row per status change of an exception in exception_ledger: `open` when
-- the alert opened it, `acknowledged` when the first CRM exception task referenced it, `resolved` when
-- its tasks were all done. Append-only history: incremental with full_refresh=false, and each run
-- adds only the changes not yet recorded (status_change_id is a hash of exception, status and time),
-- so rows are never rewritten and a re-run adds nothing. A task reopened in the CRM takes the ledger
-- back to `acknowledged`; the earlier `resolved` row stays here, and the next resolution adds a row.
{{ config(
    materialized='incremental',
    unique_key='status_change_id',
    incremental_strategy='delete+insert',
    full_refresh=false,
    on_schema_change='append_new_columns',
) }}
{%- set local_run_started_at = run_started_at.astimezone(modules.pytz.timezone(var('source_timezone', 'Asia/Tokyo'))) %}

with exception_ledger as (
    select * from {{ ref('exception_ledger') }}
),

openings as (
    select
        exception_id,
        'open' as status,
        opened_at as changed_at,
        'alert' as changed_by_source,
        alert_id as changed_by_id
    from exception_ledger
),

acknowledgements as (
    select
        exception_id,
        'acknowledged' as status,
        acknowledged_at as changed_at,
        'crm_task' as changed_by_source,
        acknowledging_task_id as changed_by_id
    from exception_ledger
    where acknowledged_at is not null
),

resolutions as (
    select
        exception_id,
        'resolved' as status,
        resolved_at as changed_at,
        'crm_task' as changed_by_source,
        resolving_task_id as changed_by_id
    from exception_ledger
    where resolved_at is not null
),

status_changes as (
    select * from openings
    union all
    select * from acknowledgements
    union all
    select * from resolutions
),

keyed as (
    select
        {{ dbt.hash(dbt.concat([
            'exception_id', "'|'", 'status', "'|'", 'cast(changed_at as ' ~ dbt.type_string() ~ ')',
        ])) }} as status_change_id,
        exception_id,
        status,
        case status when 'open' then 1 when 'acknowledged' then 2 else 3 end as status_rank,
        changed_at,
        changed_by_source,
        changed_by_id,
        cast('{{ local_run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})
            as recorded_at
    from status_changes
),

final as (
    select
        keyed.status_change_id,
        keyed.exception_id,
        keyed.status,
        keyed.status_rank,
        keyed.changed_at,
        keyed.changed_by_source,
        keyed.changed_by_id,
        keyed.recorded_at
    from keyed
    {% if is_incremental() %}
        left join {{ this }} as recorded_changes
            on keyed.status_change_id = recorded_changes.status_change_id
        where recorded_changes.status_change_id is null
    {% endif %}
)

select * from final
