-- Columns written by Jinja loops: layout (LT02) unchecked, see .sqlfluff.
-- noqa: disable=LT02
-- The additive parts of the people KPIs (kpis.md, people and process; seed documents 000 and 004)
-- at their finest grain, assignee × day, so the weekly, monthly and team marts sum them and divide
-- last. Each part is dated by its own event: a task's completion (handled, lead time, recurrence,
-- first-contact resolution), its SLA deadline (due, breached), an activity's time, a promise's
-- date, a collection's applied date (on the accounts the assignee owned that day) and a legal event's date
-- (for the case's legal staff). Only what happened by the as-of date. The backlog at any day is the
-- running sum of tasks created (not cancelled) minus tasks completed; medians cannot be summed and
-- the marts recompute them from int_tasks_measured.
{%- set parts = [
    ('tasks_created_count', 'bigint'),
    ('tasks_completed_count', 'bigint'),
    ('lead_time_seconds_sum', 'bigint'),
    ('reopened_task_count', 'bigint'),
    ('first_contact_resolved_count', 'bigint'),
    ('tasks_due_count', 'bigint'),
    ('tasks_sla_breached_count', 'bigint'),
    ('activity_count', 'bigint'),
    ('call_count', 'bigint'),
    ('email_count', 'bigint'),
    ('letter_count', 'bigint'),
    ('visit_count', 'bigint'),
    ('sms_count', 'bigint'),
    ('portal_count', 'bigint'),
    ('other_count', 'bigint'),
    ('automated_activity_count', 'bigint'),
    ('promises_due_count', 'bigint'),
    ('promises_kept_count', 'bigint'),
    ('collected_amount', 'decimal(38, 2)'),
    ('legal_filings_count', 'bigint'),
    ('judgments_won_count', 'bigint'),
    ('judgments_lost_count', 'bigint'),
] %}

with int_tasks_measured as (
    select * from {{ ref('int_tasks_measured') }}
),

stg_crm__activities as (
    select * from {{ ref('stg_crm__activities') }}
),

int_promises_evaluated as (
    select * from {{ ref('int_promises_evaluated') }}
),

int_receivable_events_unioned as (
    select * from {{ ref('int_receivable_events_unioned') }}
),

int_invoices_resolved as (
    select * from {{ ref('int_invoices_resolved') }}
),

int_customer_owners_versioned as (
    select * from {{ ref('int_customer_owners_versioned') }}
),

stg_legal__events as (
    select * from {{ ref('stg_legal__events') }}
),

stg_legal__cases as (
    select * from {{ ref('stg_legal__cases') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

-- Created and not cancelled: with completions, the running difference is the backlog (滞留件数).
created_tasks as (
    select
        assignee_id,
        created_date as part_date,
        count(*) as tasks_created_count
    from int_tasks_measured
    where not is_cancelled
    group by assignee_id, created_date
),

completed_tasks as (
    select
        assignee_id,
        completed_date as part_date,
        count(*) as tasks_completed_count,
        -- Whole seconds: an integer sum is the same in any order, so the means built on it do not vary by build.
        sum(cast({{ dbt.datediff('created_at', 'completed_at', 'second') }} as {{ dbt.type_bigint() }}))  -- noqa: LT05
            as lead_time_seconds_sum,
        sum(case when is_reopening then 1 else 0 end) as reopened_task_count,
        sum(case when is_first_contact_resolved then 1 else 0 end) as first_contact_resolved_count
    from int_tasks_measured
    where is_completed
    group by assignee_id, completed_date
),

due_tasks as (
    select
        assignee_id,
        sla_due_date as part_date,
        count(*) as tasks_due_count,
        sum(case when is_sla_breached then 1 else 0 end) as tasks_sla_breached_count
    from int_tasks_measured
    where is_sla_due
    group by assignee_id, sla_due_date
),

activities as (
    select
        stg_crm__activities.assignee_id,
        cast(stg_crm__activities.activity_at as date) as part_date,
        count(*) as activity_count,
        {%- for channel in ['call', 'email', 'letter', 'visit', 'sms', 'portal', 'other'] %}
        sum(case when stg_crm__activities.channel = '{{ channel }}' then 1 else 0 end) as {{ channel }}_count,
        {%- endfor %}
        sum(case when stg_crm__activities.is_automated then 1 else 0 end) as automated_activity_count
    from stg_crm__activities
    cross join int_reporting_dates
    where cast(stg_crm__activities.activity_at as date) <= int_reporting_dates.as_of_date
    group by stg_crm__activities.assignee_id, cast(stg_crm__activities.activity_at as date)
),

promises as (
    select
        assignee_id,
        promise_date as part_date,
        count(*) as promises_due_count,
        sum(case when is_kept then 1 else 0 end) as promises_kept_count
    from int_promises_evaluated
    where is_due
    group by assignee_id, promise_date
),

-- Collections (回収) net of reversals, notes received net of dishonoured notes included, on the accounts the
-- assignee owned on the day of the collection (kpis.md collections): a reassignment moves what comes after
-- it, never what was already collected.
collections as (
    select
        int_customer_owners_versioned.owner_assignee_id as assignee_id,
        int_receivable_events_unioned.event_date as part_date,
        -1 * sum(int_receivable_events_unioned.open_amount_effect) as collected_amount
    from int_receivable_events_unioned
    inner join int_invoices_resolved
        on int_receivable_events_unioned.invoice_id = int_invoices_resolved.invoice_id
    inner join int_customer_owners_versioned
        on int_invoices_resolved.customer_key = int_customer_owners_versioned.customer_key
    where
        int_receivable_events_unioned.event_type in (
            'cash_applied', 'application_reversed', 'note_received', 'note_dishonoured'
        )
        and int_customer_owners_versioned.owner_assignee_id is not null
        and (
            int_customer_owners_versioned.valid_from is null
            or int_receivable_events_unioned.event_date >= int_customer_owners_versioned.valid_from
        )
        and (
            int_customer_owners_versioned.valid_to is null
            or int_receivable_events_unioned.event_date < int_customer_owners_versioned.valid_to
        )
    group by int_customer_owners_versioned.owner_assignee_id, int_receivable_events_unioned.event_date
),

legal_events as (
    select
        stg_legal__cases.assignee_id,
        stg_legal__events.event_date as part_date,
        sum(case when stg_legal__events.event_type = 'filing' then 1 else 0 end) as legal_filings_count,
        sum(case when stg_legal__events.event_type = 'judgment_won' then 1 else 0 end) as judgments_won_count,
        sum(case when stg_legal__events.event_type = 'judgment_lost' then 1 else 0 end) as judgments_lost_count
    from stg_legal__events
    inner join stg_legal__cases on stg_legal__events.legal_case_id = stg_legal__cases.legal_case_id
    cross join int_reporting_dates
    where stg_legal__cases.assignee_id is not null
        and stg_legal__events.event_date <= int_reporting_dates.as_of_date
    group by stg_legal__cases.assignee_id, stg_legal__events.event_date
),

{%- set sources = [
    ('created_tasks', ['tasks_created_count']),
    ('completed_tasks', ['tasks_completed_count', 'lead_time_seconds_sum', 'reopened_task_count', 'first_contact_resolved_count']),
    ('due_tasks', ['tasks_due_count', 'tasks_sla_breached_count']),
    ('activities', ['activity_count', 'call_count', 'email_count', 'letter_count', 'visit_count', 'sms_count',
        'portal_count', 'other_count', 'automated_activity_count']),
    ('promises', ['promises_due_count', 'promises_kept_count']),
    ('collections', ['collected_amount']),
    ('legal_events', ['legal_filings_count', 'judgments_won_count', 'judgments_lost_count']),
] %}

parts_unioned as (
    {%- for source_cte, source_parts in sources %}
    select
        assignee_id,
        part_date,
        {%- for part, data_type in parts %}
        {{ part if part in source_parts else 'cast(0 as ' ~ data_type ~ ')' }} as {{ part }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ source_cte }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        assignee_id,
        part_date,
        {%- for part, data_type in parts %}
        cast(sum({{ part }}) as {{ data_type }}) as {{ part }}{{ ',' if not loop.last }}
        {%- endfor %}
    from parts_unioned
    group by assignee_id, part_date
)

select * from final
