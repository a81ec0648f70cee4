-- 滞留増加 (rule backlog_growth, seed 000): open tasks at the end of an ISO week (backlog_count of
-- fct_collector_weekly) up at least the threshold % on the previous week's end, per collector and per
-- team (summed backlogs). Closed weeks only; a previous backlog below minimum_base is not judged
-- (2 → 3 open tasks is not a 50 % problem), and a previous backlog of 0 gives no growth (null).
with {{ alert_rule_inputs('backlog_growth', ['fct_collector_weekly']) }},

subject_weeks as (
    {{ collector_and_team_weeks(['backlog_count']) }}
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
        {{ change_pct('current_week.backlog_count', 'previous_week.backlog_count') }} as backlog_growth_pct
    from subject_weeks as current_week
    inner join subject_weeks as previous_week
        on {{ follows_previous_period('week', 'current_week', 'previous_week') }}
),

observations as (
    select * from week_on_week
    where backlog_growth_pct is not null
),

{% call fired_alerts(
    'observations',
    value_column='backlog_growth_pct',
    base_column='previous_backlog_count',
    kpi_name="'backlog_count'",
    period_grain='week',
    measured_value='backlog_count',
    baseline_value='previous_backlog_count',
) -%}
        '滞留タスクが前週比 '
        || {{ number_text('backlog_growth_pct', signed=true) }}
        || '% ('
        || cast(previous_backlog_count as {{ dbt.type_string() }})
        || '件 → '
        || cast(backlog_count as {{ dbt.type_string() }})
        || '件)'
{%- endcall %}

select * from final
