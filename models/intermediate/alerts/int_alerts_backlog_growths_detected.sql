-- 滞留増加 (rule backlog_growth, seed 000): open tasks at the end of an ISO week (backlog_count of
-- fct_collector_weekly) up at least the threshold % on the previous week's end, per collector and per
-- team (summed backlogs). Closed weeks only; a previous backlog below minimum_base is not judged
-- (2 → 3 open tasks is not a 50 % problem), and a previous backlog of 0 gives no growth (null).
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
    where rule_id = 'backlog_growth' and is_enabled
),

closed_weeks as (
    select
        assignee_id,
        coalesce(assignee_name, assignee_id) as assignee_name,
        team,
        week_start,
        week_end_date,
        backlog_count
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
        backlog_count
    from closed_weeks
),

team_weeks as (
    select
        'team' as subject_type,
        team as subject_id,
        team as subject_name,
        week_start,
        week_end_date,
        sum(backlog_count) as backlog_count
    from closed_weeks
    group by team, week_start, week_end_date
),

subject_weeks as (
    select * from collector_weeks
    union all
    select * from team_weeks
),

week_on_week as (
    select
        current_week.subject_type,
        current_week.subject_id,
        current_week.subject_name,
        current_week.week_start,
        current_week.week_end_date,
        current_week.backlog_count,
        previous_week.backlog_count as previous_backlog_count,
        cast(round(cast({{ ratio('current_week.backlog_count - previous_week.backlog_count',
            'previous_week.backlog_count', 100) }} as double), 4) as decimal(18, 4)) as backlog_growth_pct
    from subject_weeks as current_week
    inner join subject_weeks as previous_week
        on
            current_week.subject_type = previous_week.subject_type
            and current_week.subject_id = previous_week.subject_id
            and current_week.week_start = {{ add_days('previous_week.week_start', 7) }}
),

evaluated as (
    select
        week_on_week.*,
        active_rule.rule_id,
        active_rule.rule_name_ja,
        active_rule.severity,
        active_rule.opens_exception,
        active_rule.threshold,
        case active_rule.comparison
            when 'gte' then week_on_week.backlog_growth_pct >= active_rule.threshold
            when 'gt' then week_on_week.backlog_growth_pct > active_rule.threshold
            when 'lte' then week_on_week.backlog_growth_pct <= active_rule.threshold
            when 'lt' then week_on_week.backlog_growth_pct < active_rule.threshold
        end as is_fired
    from week_on_week
    inner join active_rule
        on (';' || active_rule.subject_types || ';') like ('%;' || week_on_week.subject_type || ';%')
    where
        week_on_week.backlog_growth_pct is not null
        and (active_rule.minimum_base is null or week_on_week.previous_backlog_count >= active_rule.minimum_base)
),

final as (
    select
        rule_id,
        rule_name_ja,
        severity,
        opens_exception,
        'backlog_count' as kpi_name,
        subject_type,
        subject_id,
        subject_name,
        'week' as period_grain,
        week_start as period_start,
        week_end_date as period_end_date,
        week_end_date as detected_date,
        backlog_growth_pct as observed_value,
        threshold as threshold_value,
        cast(backlog_count as decimal(18, 4)) as measured_value,
        cast(previous_backlog_count as decimal(18, 4)) as baseline_value,
        '滞留タスクが前週比 '
        || case when backlog_growth_pct >= 0 then '+' else '' end
        || cast(cast(backlog_growth_pct as decimal(18, 1)) as {{ dbt.type_string() }})
        || '% ('
        || cast(previous_backlog_count as {{ dbt.type_string() }})
        || '件 → '
        || cast(backlog_count as {{ dbt.type_string() }})
        || '件)' as finding_ja
    from evaluated
    where is_fired
)

select * from final
