-- SLA違反 (rule sla_breach, seed 000): sla_breach_pct (tasks completed after their SLA deadline or
-- still open past it / tasks due in the week × 100, kpis.md) at or above the threshold, per
-- collector and ISO week and per team and week (the team's ratio from its summed parts, never an
-- average of ratios). Closed weeks only; a week with fewer tasks due than minimum_base is not judged
-- (one late task out of one is not a trend).
with {{ alert_rule_inputs('sla_breach', ['fct_collector_weekly']) }},

subject_weeks as (
    {{ collector_and_team_weeks(['tasks_due_count', 'tasks_sla_breached_count']) }}
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
        cast(
            {{ pct('tasks_sla_breached_count', 'tasks_due_count') }}
            as decimal(18, 4)
        ) as sla_breach_pct
    from subject_weeks
    where tasks_due_count > 0
),

{% call fired_alerts(
    'observations',
    value_column='sla_breach_pct',
    base_column='tasks_due_count',
    kpi_name="'sla_breach_pct'",
    period_grain='week',
    measured_value='tasks_sla_breached_count',
    baseline_value='tasks_due_count',
) -%}
        'SLA違反率 '
        || {{ number_text('sla_breach_pct') }}
        || '% (期限到来 '
        || cast(tasks_due_count as {{ dbt.type_string() }})
        || '件中 '
        || cast(tasks_sla_breached_count as {{ dbt.type_string() }})
        || '件が期限超過)'
{%- endcall %}

select * from final
