-- SLA違反 (rule sla_breach, seed 000): sla_breach_pct (tasks completed after their SLA deadline or
-- still open past it / tasks due in the week × 100, kpis.md) at or above the threshold, per
-- collector and ISO week and per team and week (the team's ratio from its summed parts, never an
-- average of ratios). Closed weeks only; a week with fewer tasks due than minimum_base is not judged
-- (one late task out of one is not a trend).
with alert_rules as (
    select * from {{ ref('alert_rules') }}
),

fct_collector_weekly as (
    select * from {{ ref('fct_collector_weekly') }}
),

active_rule as (
    select
        rule_id,
        rule_name_ja,
        severity,
        opens_exception,
        threshold,
        comparison,
        subject_types,
        minimum_base
    from alert_rules
    where rule_id = 'sla_breach' and is_enabled
),

closed_weeks as (
    select
        assignee_id,
        coalesce(assignee_name, assignee_id) as assignee_name,
        team,
        week_start,
        week_end_date,
        tasks_due_count,
        tasks_sla_breached_count
    from fct_collector_weekly
    where not is_week_in_progress
),

collector_weeks as (
    select
        'collector' as subject_type,
        assignee_id as subject_id,
        assignee_name as subject_name,
        week_start,
        week_end_date,
        tasks_due_count,
        tasks_sla_breached_count
    from closed_weeks
),

team_weeks as (
    select
        'team' as subject_type,
        team as subject_id,
        team as subject_name,
        week_start,
        week_end_date,
        sum(tasks_due_count) as tasks_due_count,
        sum(tasks_sla_breached_count) as tasks_sla_breached_count
    from closed_weeks
    group by team, week_start, week_end_date
),

subject_weeks as (
    select * from collector_weeks
    union all
    select * from team_weeks
),

observations as (
    select
        subject_type,
        subject_id,
        subject_name,
        week_start,
        week_end_date,
        tasks_due_count,
        tasks_sla_breached_count,
        cast(round(cast({{ ratio('tasks_sla_breached_count', 'tasks_due_count', 100) }} as double), 2)
            as decimal(18, 4)) as sla_breach_pct
    from subject_weeks
    where tasks_due_count > 0
),

evaluated as (
    select
        observations.*,
        active_rule.rule_id,
        active_rule.rule_name_ja,
        active_rule.severity,
        active_rule.opens_exception,
        active_rule.threshold,
        case active_rule.comparison
            when 'gte' then observations.sla_breach_pct >= active_rule.threshold
            when 'gt' then observations.sla_breach_pct > active_rule.threshold
            when 'lte' then observations.sla_breach_pct <= active_rule.threshold
            when 'lt' then observations.sla_breach_pct < active_rule.threshold
        end as is_fired
    from observations
    inner join active_rule
        on (';' || active_rule.subject_types || ';') like ('%;' || observations.subject_type || ';%')
    where active_rule.minimum_base is null or observations.tasks_due_count >= active_rule.minimum_base
),

final as (
    select
        rule_id,
        rule_name_ja,
        severity,
        opens_exception,
        'sla_breach_pct' as kpi_name,
        subject_type,
        subject_id,
        subject_name,
        'week' as period_grain,
        week_start as period_start,
        week_end_date as period_end_date,
        week_end_date as detected_date,
        sla_breach_pct as observed_value,
        threshold as threshold_value,
        cast(tasks_sla_breached_count as decimal(18, 4)) as measured_value,
        cast(tasks_due_count as decimal(18, 4)) as baseline_value,
        'SLA違反率 '
        || cast(cast(sla_breach_pct as decimal(18, 1)) as {{ dbt.type_string() }})
        || '% (期限到来 '
        || cast(tasks_due_count as {{ dbt.type_string() }})
        || '件中 '
        || cast(tasks_sla_breached_count as {{ dbt.type_string() }})
        || '件が期限超過)' as finding_ja
    from evaluated
    where is_fired
)

select * from final
