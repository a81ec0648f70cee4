-- 例外管理台帳 (exception ledger, seed 000: 対応履歴は台帳へ自動記録、再発防止策をタグ化) — one row per
-- exception, opened by an alert of a rule with opens_exception (fct_kpi_alerts), answered in the CRM
-- by `exception` tasks whose external_ref is the exception_id. Status: open → acknowledged (a task
-- references it) → resolved (every non-cancelled task referencing it is done).
--
-- The ledger is history, not a view of today's alerts:
-- * incremental with full_refresh=false: `dbt build --full-refresh` does not rebuild it;
-- * each run re-reads every recorded row from the table itself and adds the alerts not yet in it;
--   what an exception was opened on (alert, values, message, opened_at, recorded_at) is kept as first
--   recorded, so an alert that stops firing (data restated, threshold changed) leaves its exception
--   in place, and its response keeps following the CRM;
-- * delete+insert on the unique key exception_id, which is derived from the alert id: a re-run on the
--   same data writes the same rows, never a second one.
{{ config(
    materialized='incremental',
    unique_key='exception_id',
    incremental_strategy='delete+insert',
    full_refresh=false,
    on_schema_change='append_new_columns',
) }}
{%- set local_run_started_at = run_started_at.astimezone(modules.pytz.timezone(var('source_timezone', 'Asia/Tokyo'))) %}
{%- set opening_columns = [
    'exception_id', 'alert_id', 'rule_id', 'rule_name_ja', 'severity', 'kpi_name', 'subject_type', 'subject_id',
    'subject_name', 'period_grain', 'period_start', 'period_end_date', 'detected_date', 'observed_value',
    'threshold_value', 'message_ja', 'opened_at', 'recorded_at',
] %}

with fct_kpi_alerts as (
    select * from {{ ref('fct_kpi_alerts') }}
),

stg_crm__tasks as (
    select * from {{ ref('stg_crm__tasks') }}
),

stg_crm__assignees as (
    select * from {{ ref('stg_crm__assignees') }}
),

exception_deliveries as (
    select * from {{ ref('exception_deliveries') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

-- An exception opens the morning after its detection period ends: the first daily run that can
-- see the closed week or month (or the as-of day) it was detected on.
opening_alerts as (
    select
        exception_id,
        alert_id,
        rule_id,
        rule_name_ja,
        severity,
        kpi_name,
        subject_type,
        subject_id,
        subject_name,
        period_grain,
        period_start,
        period_end_date,
        detected_date,
        observed_value,
        threshold_value,
        message_ja,
        cast({{ add_days('detected_date', 1) }} as {{ dbt.type_timestamp() }}) as opened_at,
        cast('{{ local_run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})
            as recorded_at,
        cast(null as {{ dbt.type_timestamp() }}) as recorded_acknowledged_at,
        cast(null as {{ dbt.type_timestamp() }}) as recorded_resolved_at,
        cast(null as {{ dbt.type_string() }}) as recorded_acknowledging_task_id,
        cast(null as {{ dbt.type_string() }}) as recorded_resolving_task_id,
        cast(null as {{ dbt.type_string() }}) as recorded_assignee_id,
        cast(null as {{ dbt.type_string() }}) as recorded_resolution_tags,
        cast(null as {{ dbt.type_bigint() }}) as recorded_response_task_count
    from fct_kpi_alerts
    where opens_exception
),

recorded_exceptions as (
    {% if is_incremental() %}
        select
            {%- for column in opening_columns %}
                {{ column }},
            {%- endfor %}
            acknowledged_at as recorded_acknowledged_at,
            resolved_at as recorded_resolved_at,
            acknowledging_task_id as recorded_acknowledging_task_id,
            resolving_task_id as recorded_resolving_task_id,
            assignee_id as recorded_assignee_id,
            resolution_tags as recorded_resolution_tags,
            response_task_count as recorded_response_task_count
        from {{ this }}
    {% else %}
        select * from opening_alerts
        where 1 = 0
    {% endif %}
),

new_exceptions as (
    select opening_alerts.*
    from opening_alerts
    left join recorded_exceptions
        on opening_alerts.exception_id = recorded_exceptions.exception_id
    where recorded_exceptions.exception_id is null
),

exceptions as (
    select * from recorded_exceptions
    union all
    select * from new_exceptions
),

-- The CRM's answer: `exception` tasks naming the exception, created by the as-of date.
exception_tasks as (
    select
        stg_crm__tasks.external_ref as exception_id,
        stg_crm__tasks.task_id,
        stg_crm__tasks.assignee_id,
        stg_crm__tasks.created_at,
        case
            when
                stg_crm__tasks.completed_at
                < cast({{ add_days('int_reporting_dates.as_of_date', 1) }} as {{ dbt.type_timestamp() }})
                then stg_crm__tasks.completed_at
        end as completed_at,
        stg_crm__tasks.task_status,
        stg_crm__tasks.resolution_tags
    from stg_crm__tasks
    cross join int_reporting_dates
    where
        stg_crm__tasks.task_type = 'exception'
        and stg_crm__tasks.external_ref is not null
        and stg_crm__tasks.task_status <> 'cancelled'
        and stg_crm__tasks.created_at
        < cast({{ add_days('int_reporting_dates.as_of_date', 1) }} as {{ dbt.type_timestamp() }})
),

ranked_tasks as (
    select
        exception_tasks.*,
        exception_tasks.task_status = 'done' and exception_tasks.completed_at is not null as is_done,
        row_number() over (
            partition by exception_tasks.exception_id order by exception_tasks.created_at, exception_tasks.task_id
        ) as first_rank,
        row_number() over (
            partition by exception_tasks.exception_id
            order by exception_tasks.created_at desc, exception_tasks.task_id desc
        ) as latest_rank,
        row_number() over (
            partition by exception_tasks.exception_id
            order by exception_tasks.completed_at desc, exception_tasks.task_id desc
        ) as last_completed_rank
    from exception_tasks
),

task_responses as (
    select
        exception_id,
        count(*) as response_task_count,
        min(created_at) as acknowledged_at,
        max(case when first_rank = 1 then task_id end) as acknowledging_task_id,
        max(case when latest_rank = 1 then assignee_id end) as assignee_id,
        sum(case when is_done then 0 else 1 end) as unfinished_task_count,
        max(completed_at) as last_completed_at,
        max(case when last_completed_rank = 1 then task_id end) as last_completed_task_id
    from ranked_tasks
    group by exception_id
),

task_tags as (
    select
        exception_id,
        {{ dbt.listagg('resolution_tags', "';'", 'order by completed_at, task_id') }} as resolution_tags
    from ranked_tasks
    where is_done and resolution_tags is not null
    group by exception_id
),

-- What the CRM says now wins; when it says nothing about an exception (no task found, e.g. a
-- missing CRM extract), the response recorded earlier stays: silence never erases a response.
responses as (
    select
        exceptions.exception_id,
        case
            when task_responses.exception_id is not null then task_responses.acknowledged_at
            else exceptions.recorded_acknowledged_at
        end as acknowledged_at,
        case
            when task_responses.exception_id is not null then task_responses.acknowledging_task_id
            else exceptions.recorded_acknowledging_task_id
        end as acknowledging_task_id,
        case
            when task_responses.exception_id is null then exceptions.recorded_resolved_at
            when task_responses.unfinished_task_count = 0 then task_responses.last_completed_at
        end as resolved_at,
        case
            when task_responses.exception_id is null then exceptions.recorded_resolving_task_id
            when task_responses.unfinished_task_count = 0 then task_responses.last_completed_task_id
        end as resolving_task_id,
        case
            when task_responses.exception_id is not null then task_responses.assignee_id
            else exceptions.recorded_assignee_id
        end as assignee_id,
        case
            when task_responses.exception_id is not null then task_tags.resolution_tags
            else exceptions.recorded_resolution_tags
        end as resolution_tags,
        case
            when task_responses.exception_id is not null then task_responses.response_task_count
            else coalesce(exceptions.recorded_response_task_count, 0)
        end as response_task_count
    from exceptions
    left join task_responses
        on exceptions.exception_id = task_responses.exception_id
    left join task_tags
        on exceptions.exception_id = task_tags.exception_id
),

deliveries as (
    select
        alert_id,
        count(*) as delivery_attempt_count,
        sum(case when status = 'failed' then 1 else 0 end) as delivery_failed_count,
        min(case when status = 'sent' then attempted_at end) as first_delivered_at,
        max(attempted_at) as last_delivery_attempted_at
    from exception_deliveries
    group by alert_id
),

last_deliveries as (
    select
        alert_id,
        status as last_delivery_status,
        row_number() over (partition by alert_id order by attempted_at desc, channel desc) as attempt_rank
    from exception_deliveries
),

-- A recurrence (再発): the same rule firing on the same subject (and KPI) again after the previous
-- exception of that rule and subject had been resolved.
sequenced as (
    select
        exceptions.exception_id,
        lag(exceptions.exception_id) over (
            partition by exceptions.rule_id, exceptions.kpi_name, exceptions.subject_type, exceptions.subject_id
            order by exceptions.opened_at, exceptions.period_start, exceptions.exception_id
        ) as previous_exception_id,
        lag(responses.resolved_at) over (
            partition by exceptions.rule_id, exceptions.kpi_name, exceptions.subject_type, exceptions.subject_id
            order by exceptions.opened_at, exceptions.period_start, exceptions.exception_id
        ) as previous_resolved_at
    from exceptions
    inner join responses
        on exceptions.exception_id = responses.exception_id
),

final as (
    select
        exceptions.exception_id,
        exceptions.alert_id,
        exceptions.rule_id,
        exceptions.rule_name_ja,
        exceptions.severity,
        exceptions.kpi_name,
        exceptions.subject_type,
        exceptions.subject_id,
        exceptions.subject_name,
        exceptions.period_grain,
        exceptions.period_start,
        exceptions.period_end_date,
        exceptions.detected_date,
        exceptions.observed_value,
        exceptions.threshold_value,
        exceptions.message_ja,
        case
            when responses.resolved_at is not null then 'resolved'
            when responses.acknowledged_at is not null then 'acknowledged'
            else 'open'
        end as status,
        exceptions.opened_at,
        responses.acknowledged_at,
        responses.resolved_at,
        cast(round(
            {{ dbt.datediff('exceptions.opened_at', 'responses.acknowledged_at', 'minute') }} / 60.0, 2  -- noqa: LT05
        ) as decimal(18, 2)) as time_to_acknowledge_hours,
        cast(round(
            {{ dbt.datediff('exceptions.opened_at', 'responses.resolved_at', 'minute') }} / 60.0, 2  -- noqa: LT05
        ) as decimal(18, 2)) as time_to_resolve_hours,
        responses.acknowledging_task_id,
        responses.resolving_task_id,
        responses.response_task_count,
        responses.assignee_id,
        stg_crm__assignees.assignee_name,
        stg_crm__assignees.team as assignee_team,
        responses.resolution_tags,
        case
            when sequenced.previous_resolved_at <= exceptions.opened_at then sequenced.previous_exception_id
        end as recurs_exception_id,
        coalesce(sequenced.previous_resolved_at <= exceptions.opened_at, false) as is_recurrence,
        fct_kpi_alerts.alert_id is not null as is_alert_firing,
        {{ count_or_zero('deliveries.delivery_attempt_count') }} as delivery_attempt_count,
        {{ count_or_zero('deliveries.delivery_failed_count') }} as delivery_failed_count,
        deliveries.first_delivered_at,
        deliveries.last_delivery_attempted_at,
        last_deliveries.last_delivery_status,
        exceptions.recorded_at
    from exceptions
    inner join responses
        on exceptions.exception_id = responses.exception_id
    inner join sequenced
        on exceptions.exception_id = sequenced.exception_id
    left join stg_crm__assignees
        on responses.assignee_id = stg_crm__assignees.assignee_id
    left join fct_kpi_alerts
        on exceptions.alert_id = fct_kpi_alerts.alert_id
    left join deliveries
        on exceptions.alert_id = deliveries.alert_id
    left join last_deliveries
        on exceptions.alert_id = last_deliveries.alert_id and last_deliveries.attempt_rank = 1
)

select * from final
