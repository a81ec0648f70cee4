-- チーム別KPI — one row per team and calendar month: the collector monthly parts summed over the
-- team's assignees and divided last (kpis.md: the ratio of sums, never the average of ratios);
-- the median lead time recomputed from the team's tasks of the month; calls and visits per working
-- day per active assignee (an assignee with at least one activity in the month).
{%- set summed_counts = [
    'tasks_completed_count', 'activity_count', 'call_count', 'email_count', 'letter_count', 'visit_count',
    'sms_count', 'portal_count', 'other_count', 'automated_activity_count', 'tasks_due_count',
    'tasks_sla_breached_count', 'backlog_count', 'reopened_task_count', 'first_contact_resolved_count',
    'promises_due_count', 'promises_kept_count', 'legal_filings_count', 'judgments_won_count',
    'judgments_lost_count',
] %}

with fct_collector_monthly as (
    select * from {{ ref('fct_collector_monthly') }}
),

int_tasks_measured as (
    select * from {{ ref('int_tasks_measured') }}
),

int_days_spanned as (
    select * from {{ ref('int_days_spanned') }}
),

team_parts as (
    select
        team,
        month_start,
        max(month_end_date) as month_end_date,
        max(period_end_date) as period_end_date,
        max(case when is_month_in_progress then 1 else 0 end) = 1 as is_month_in_progress,
        max(working_days_count) as working_days_count,
        count(*) as assignee_count,
        sum(case when activity_count > 0 then 1 else 0 end) as active_assignee_count,
        sum(case when activity_count > 0 then working_days_count else 0 end) as assignee_working_days_count,
        {%- for column in summed_counts %}
            sum({{ column }}) as {{ column }},
        {%- endfor %}
        sum(lead_time_seconds_sum) as lead_time_seconds_sum,
        sum(collected_amount) as collected_amount
    from fct_collector_monthly
    group by team, month_start
),

-- The median is recomputed from the team's tasks: medians do not add up.
team_lead_time_medians as (
    select
        coalesce(int_tasks_measured.team, '(unknown)') as team,
        int_days_spanned.month_start,
        percentile_cont(0.5) within group (order by int_tasks_measured.lead_time_hours) as lead_time_hours_median
    from int_tasks_measured
    inner join int_days_spanned on int_tasks_measured.completed_date = int_days_spanned.day_date
    where int_tasks_measured.is_completed
    group by coalesce(int_tasks_measured.team, '(unknown)'), int_days_spanned.month_start
),

final as (
    select
        team_parts.team,
        team_parts.month_start,
        team_parts.month_end_date,
        team_parts.period_end_date,
        team_parts.is_month_in_progress,
        cast(team_parts.assignee_count as bigint) as assignee_count,
        cast(team_parts.active_assignee_count as bigint) as active_assignee_count,
        cast(team_parts.tasks_completed_count as bigint) as tasks_completed_count,
        cast(team_parts.activity_count as bigint) as activity_count,
        cast(team_parts.call_count as bigint) as call_count,
        cast(team_parts.email_count as bigint) as email_count,
        cast(team_parts.letter_count as bigint) as letter_count,
        cast(team_parts.visit_count as bigint) as visit_count,
        cast(team_parts.sms_count as bigint) as sms_count,
        cast(team_parts.portal_count as bigint) as portal_count,
        cast(team_parts.other_count as bigint) as other_count,
        cast(team_parts.automated_activity_count as bigint) as automated_activity_count,
        cast(team_parts.tasks_due_count as bigint) as tasks_due_count,
        cast(team_parts.tasks_sla_breached_count as bigint) as tasks_sla_breached_count,
        cast(team_parts.backlog_count as bigint) as backlog_count,
        cast(team_parts.reopened_task_count as bigint) as reopened_task_count,
        cast(team_parts.first_contact_resolved_count as bigint) as first_contact_resolved_count,
        cast(team_parts.promises_due_count as bigint) as promises_due_count,
        cast(team_parts.promises_kept_count as bigint) as promises_kept_count,
        cast(team_parts.lead_time_seconds_sum as bigint) as lead_time_seconds_sum,
        cast(team_parts.lead_time_seconds_sum as double) / 3600 as lead_time_hours_sum,
        {{ pct('team_parts.lead_time_seconds_sum', 'team_parts.tasks_completed_count * 3600', scale=1) }}
            as lead_time_hours_mean,
        round(cast(team_lead_time_medians.lead_time_hours_median as double), 2) as lead_time_hours_median,
        {{ pct('team_parts.tasks_sla_breached_count', 'team_parts.tasks_due_count') }}
            as sla_breach_pct,
        {{ pct('team_parts.reopened_task_count', 'team_parts.tasks_completed_count') }}
            as recurrence_pct,
        {{ pct(
            'team_parts.first_contact_resolved_count',
            'team_parts.tasks_completed_count'
        ) }} as first_contact_resolution_pct,
        {{ pct('team_parts.promises_kept_count', 'team_parts.promises_due_count') }}
            as promise_kept_pct,
        cast(team_parts.collected_amount as decimal(38, 2)) as collected_amount,
        cast(team_parts.working_days_count as bigint) as working_days_count,
        cast(team_parts.assignee_working_days_count as bigint) as assignee_working_days_count,
        {{ pct('team_parts.call_count', 'team_parts.assignee_working_days_count', scale=1) }}
            as calls_per_working_day,
        {{ pct('team_parts.visit_count', 'team_parts.assignee_working_days_count', scale=1) }}
            as visits_per_working_day,
        cast(team_parts.legal_filings_count as bigint) as legal_filings_count,
        cast(team_parts.judgments_won_count as bigint) as judgments_won_count,
        cast(team_parts.judgments_lost_count as bigint) as judgments_lost_count,
        {{ pct(
            'team_parts.judgments_won_count',
            'team_parts.judgments_won_count + team_parts.judgments_lost_count'
        ) }} as judgments_won_pct
    from team_parts
    left join team_lead_time_medians
        on
            team_parts.team = team_lead_time_medians.team
            and team_parts.month_start = team_lead_time_medians.month_start
)

select * from final
