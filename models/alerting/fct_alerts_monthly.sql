-- Columns written by Jinja loops: layout (LT02) unchecked, see .sqlfluff.
-- noqa: disable=LT02
-- アラート・例外月次集計 — the alerts and exceptions of each month of detection, counted once for every
-- view that reports them: one row per month for the company (every alert of fct_kpi_alerts, every
-- exception of exception_ledger) and one per team and month for the alerts a team answers for (its
-- own, its collectors' and its customers') and the exceptions those alerts opened. Months without an
-- alert or exception have no row; readers count them as zero.
with fct_kpi_alerts as (
    select * from {{ ref('fct_kpi_alerts') }}
),

exception_ledger as (
    select * from {{ ref('exception_ledger') }}
),

fct_collector_weekly as (
    select * from {{ ref('fct_collector_weekly') }}
),

dim_customer as (
    select * from {{ ref('dim_customer') }}
),

-- Whose alerts a team answers for: its own, its collectors' and its customers'.
collector_teams as (
    select distinct
        assignee_id,
        team
    from fct_collector_weekly
),

alert_teams as (
    select
        fct_kpi_alerts.alert_id,
        fct_kpi_alerts.severity,
        fct_kpi_alerts.detected_date,
        case fct_kpi_alerts.subject_type
            when 'team' then fct_kpi_alerts.subject_id
            when 'collector' then collector_teams.team
            when 'customer' then dim_customer.owner_team
        end as team
    from fct_kpi_alerts
    left join collector_teams
        on fct_kpi_alerts.subject_type = 'collector' and fct_kpi_alerts.subject_id = collector_teams.assignee_id
    left join dim_customer
        on fct_kpi_alerts.subject_type = 'customer' and fct_kpi_alerts.subject_id = dim_customer.customer_key
),

company_alerts as (
    select
        'company' as rollup_level,
        cast(null as {{ dbt.type_string() }}) as team,
        alert_id,
        severity,
        detected_date
    from fct_kpi_alerts
),

team_alerts as (
    select
        'team' as rollup_level,
        team,
        alert_id,
        severity,
        detected_date
    from alert_teams
    where team is not null
),

scoped_alerts as (
    select * from company_alerts
    union all
    select * from team_alerts
),

alerts_by_month as (
    select
        rollup_level,
        team,
        {{ month_start('detected_date') }} as month_start,
        count(*) as alert_count,
        sum(case when severity = 'critical' then 1 else 0 end) as critical_alert_count,
        sum(case when severity = 'warning' then 1 else 0 end) as warning_alert_count,
        sum(case when severity = 'info' then 1 else 0 end) as info_alert_count
    from scoped_alerts
    group by rollup_level, team, {{ month_start('detected_date') }}
),

-- The company counts every recorded exception (also one whose alert no longer fires); a team the
-- exceptions opened by the alerts it answers for.
scoped_exceptions as (
    select
        'company' as rollup_level,
        cast(null as {{ dbt.type_string() }}) as team,
        exception_ledger.detected_date,
        exception_ledger.status
    from exception_ledger
    union all
    select
        'team' as rollup_level,
        team_alerts.team,
        exception_ledger.detected_date,
        exception_ledger.status
    from exception_ledger
    inner join team_alerts
        on exception_ledger.alert_id = team_alerts.alert_id
),

exceptions_by_month as (
    select
        rollup_level,
        team,
        {{ month_start('detected_date') }} as month_start,
        count(*) as exceptions_opened_count,
        sum(case when status = 'resolved' then 0 else 1 end) as exceptions_unresolved_count
    from scoped_exceptions
    group by rollup_level, team, {{ month_start('detected_date') }}
),

scoped_months as (
    select rollup_level, team, month_start from alerts_by_month
    union
    select rollup_level, team, month_start from exceptions_by_month
),

final as (
    select
        scoped_months.rollup_level,
        scoped_months.team,
        scoped_months.month_start,
        {%- for count in ['alert_count', 'critical_alert_count', 'warning_alert_count', 'info_alert_count'] %}
        {{ count_or_zero('alerts_by_month.' ~ count) }} as {{ count }},
        {%- endfor %}
        {%- for count in ['exceptions_opened_count', 'exceptions_unresolved_count'] %}
        {{ count_or_zero('exceptions_by_month.' ~ count) }} as {{ count }}{{ ',' if not loop.last }}
        {%- endfor %}
    from scoped_months
    left join alerts_by_month
        on scoped_months.rollup_level = alerts_by_month.rollup_level
        and scoped_months.team is not distinct from alerts_by_month.team
        and scoped_months.month_start = alerts_by_month.month_start
    left join exceptions_by_month
        on scoped_months.rollup_level = exceptions_by_month.rollup_level
        and scoped_months.team is not distinct from exceptions_by_month.team
        and scoped_months.month_start = exceptions_by_month.month_start
)

select * from final
