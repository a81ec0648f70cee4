-- 週次エグゼクティブレポート: the alerts of the week (the seven days ending on the as-of date), in the
-- order the executive reads them: severity, then company before team before collector before
-- customer, newest first.
with rpt_report_periods as (
    select * from {{ ref('rpt_report_periods') }}
),

fct_kpi_alerts as (
    select * from {{ ref('fct_kpi_alerts') }}
),

final as (
    select
        fct_kpi_alerts.alert_id,
        cast(row_number() over (
            order by
                fct_kpi_alerts.severity_rank,
                case fct_kpi_alerts.subject_type
                    when 'company' then 1 when 'team' then 2 when 'collector' then 3 else 4
                end,
                fct_kpi_alerts.detected_date desc,
                fct_kpi_alerts.alert_id
        ) as {{ dbt.type_int() }}) as alert_rank,
        fct_kpi_alerts.severity,
        fct_kpi_alerts.rule_name_ja,
        fct_kpi_alerts.subject_type,
        fct_kpi_alerts.subject_name,
        fct_kpi_alerts.message_ja,
        fct_kpi_alerts.detected_date,
        fct_kpi_alerts.exception_id
    from fct_kpi_alerts
    inner join rpt_report_periods
        on
            fct_kpi_alerts.detected_date >= rpt_report_periods.week_start_date
            and fct_kpi_alerts.detected_date <= rpt_report_periods.as_of_date
)

select * from final
