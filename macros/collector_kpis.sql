{#- 担当者別KPI by period: the body of fct_collector_weekly (grain 'week', ISO weeks from Monday) and
    fct_collector_monthly (grain 'month', calendar months). One row per assignee and period up to the
    as-of date: the daily parts of int_assignee_days_summarised summed to the period, the backlog run on
    from period to period, the median lead time recomputed from the period's tasks (medians do not add
    up), and every ratio from its summed parts. The month adds seed document 004's measures: calls and
    visits per working day (Monday to Friday of the period), legal filings and judgments won and lost. -#}
{% macro collector_kpis_by_period(grain) -%}
{%- set is_month = grain == 'month' -%}
{%- set period_start = grain ~ '_start' -%}
{%- set period_end = grain ~ '_end_date' -%}
{%- set in_progress = 'is_' ~ grain ~ '_in_progress' -%}
{%- set count_parts = [
    'tasks_completed_count', 'activity_count', 'call_count', 'email_count', 'letter_count', 'visit_count',
    'sms_count', 'portal_count', 'other_count', 'automated_activity_count',
] -%}
{%- set legal_parts = ['legal_filings_count', 'judgments_won_count', 'judgments_lost_count'] -%}
with int_days_spanned as (
    select * from {{ ref('int_days_spanned') }}
),

int_assignee_days_summarised as (
    select * from {{ ref('int_assignee_days_summarised') }}
),

int_tasks_measured as (
    select * from {{ ref('int_tasks_measured') }}
),

stg_crm__assignees as (
    select * from {{ ref('stg_crm__assignees') }}
),

{%- if is_month %}

month_days as (
    select
        month_start,
        max(day_date) as period_end_date,
        sum(case when is_working_day then 1 else 0 end) as working_days_count
    from int_days_spanned
    group by month_start
),

-- Month arithmetic and day arithmetic in separate steps (DuckDB 2.0 equates 30 days and a month).
next_months as (
    select
        month_days.*,
        cast({{ dbt.dateadd('month', 1, 'month_days.month_start') }} as date) as next_month_start
    from month_days
),

periods as (
    select
        month_start,
        {{ add_days('next_month_start', -1) }} as month_end_date,
        period_end_date,
        working_days_count
    from next_months
),
{%- else %}

periods as (
    select
        week_start,
        {{ add_days('week_start', 6) }} as week_end_date,
        max(day_date) as period_end_date
    from int_days_spanned
    group by week_start
),
{%- endif %}

assignee_ids as (
    select assignee_id from stg_crm__assignees
    union
    select assignee_id from int_assignee_days_summarised
),

grid as (
    select
        assignee_ids.assignee_id,
        periods.{{ period_start }},
        periods.{{ period_end }},
        periods.period_end_date,
        periods.period_end_date < periods.{{ period_end }} as {{ in_progress }}
        {%- if is_month %},
        periods.working_days_count
        {%- endif %}
    from assignee_ids
    cross join periods
),

period_parts as (
    select
        int_assignee_days_summarised.assignee_id,
        int_days_spanned.{{ period_start }},
        {{ sum_assignee_parts('int_assignee_days_summarised', with_legal=is_month) }}
    from int_assignee_days_summarised
    inner join int_days_spanned on int_assignee_days_summarised.part_date = int_days_spanned.day_date
    group by int_assignee_days_summarised.assignee_id, int_days_spanned.{{ period_start }}
),

-- The median is recomputed from the tasks at this grain: medians do not add up.
period_lead_time_medians as (
    select
        int_tasks_measured.assignee_id,
        int_days_spanned.{{ period_start }},
        percentile_cont(0.5) within group (order by int_tasks_measured.lead_time_hours) as lead_time_hours_median
    from int_tasks_measured
    inner join int_days_spanned on int_tasks_measured.completed_date = int_days_spanned.day_date
    where int_tasks_measured.is_completed
    group by int_tasks_measured.assignee_id, int_days_spanned.{{ period_start }}
),

measured as (
    select
        grid.*,
        {%- for part in assignee_part_columns(with_legal=is_month) if part != 'tasks_created_count' %}
        coalesce(period_parts.{{ part }}, 0) as {{ part }},
        {%- endfor %}
        period_lead_time_medians.lead_time_hours_median,
        -- 滞留件数: tasks created (not cancelled) minus tasks completed, up to the end of the period.
        sum(coalesce(period_parts.tasks_created_count, 0) - coalesce(period_parts.tasks_completed_count, 0)) over (
            partition by grid.assignee_id order by grid.{{ period_start }} rows between unbounded preceding and current row
        ) as backlog_count
    from grid
    left join period_parts
        on grid.assignee_id = period_parts.assignee_id and grid.{{ period_start }} = period_parts.{{ period_start }}
    left join period_lead_time_medians
        on grid.assignee_id = period_lead_time_medians.assignee_id
        and grid.{{ period_start }} = period_lead_time_medians.{{ period_start }}
),

final as (
    select
        measured.assignee_id,
        measured.{{ period_start }},
        measured.{{ period_end }},
        measured.period_end_date,
        measured.{{ in_progress }},
        stg_crm__assignees.assignee_name,
        coalesce(stg_crm__assignees.team, '(unknown)') as team,
        stg_crm__assignees.role,
        {%- for part in count_parts %}
        cast(measured.{{ part }} as bigint) as {{ part }},
        {%- endfor %}
        cast(measured.lead_time_seconds_sum as bigint) as lead_time_seconds_sum,
        cast(measured.lead_time_seconds_sum as double) / 3600 as lead_time_hours_sum,
        {{ pct('measured.lead_time_seconds_sum', 'measured.tasks_completed_count * 3600', scale=1) }}
            as lead_time_hours_mean,
        round(cast(measured.lead_time_hours_median as double), 2) as lead_time_hours_median,
        cast(measured.tasks_due_count as bigint) as tasks_due_count,
        cast(measured.tasks_sla_breached_count as bigint) as tasks_sla_breached_count,
        {{ pct('measured.tasks_sla_breached_count', 'measured.tasks_due_count') }} as sla_breach_pct,
        cast(measured.backlog_count as bigint) as backlog_count,
        cast(measured.reopened_task_count as bigint) as reopened_task_count,
        {{ pct('measured.reopened_task_count', 'measured.tasks_completed_count') }} as recurrence_pct,
        cast(measured.first_contact_resolved_count as bigint) as first_contact_resolved_count,
        {{ pct('measured.first_contact_resolved_count', 'measured.tasks_completed_count') }}
            as first_contact_resolution_pct,
        cast(measured.promises_due_count as bigint) as promises_due_count,
        cast(measured.promises_kept_count as bigint) as promises_kept_count,
        {{ pct('measured.promises_kept_count', 'measured.promises_due_count') }} as promise_kept_pct,
        cast(measured.collected_amount as decimal(38, 2)) as collected_amount
        {%- if is_month %},
        cast(measured.working_days_count as bigint) as working_days_count,
        {{ pct('measured.call_count', 'measured.working_days_count', scale=1) }} as calls_per_working_day,
        {{ pct('measured.visit_count', 'measured.working_days_count', scale=1) }} as visits_per_working_day,
        {%- for part in legal_parts %}
        cast(measured.{{ part }} as bigint) as {{ part }},
        {%- endfor %}
        {{ pct('measured.judgments_won_count', 'measured.judgments_won_count + measured.judgments_lost_count') }}
            as judgments_won_pct
        {%- endif %}
    from measured
    left join stg_crm__assignees on measured.assignee_id = stg_crm__assignees.assignee_id
)

select * from final
{%- endmacro %}
