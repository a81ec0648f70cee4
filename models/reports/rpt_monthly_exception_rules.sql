-- 月次部門別レポート 改善アクションの実施率: the exceptions (例外管理台帳) detected in the report month,
-- one row per alert rule: opened, acted on (acknowledged or resolved), resolved, 実施率 = resolved /
-- opened × 100, the median hours to resolve and the recurrences. A rule's severity is the most
-- severe of its exceptions' (critical > warning > info; a seed change mid-month leaves both).
with rpt_report_periods as (
    select * from {{ ref('rpt_report_periods') }}
),

exception_ledger as (
    select * from {{ ref('exception_ledger') }}
),

this_month as (
    select exception_ledger.*
    from exception_ledger
    inner join rpt_report_periods
        on
            exception_ledger.detected_date >= rpt_report_periods.report_month_start
            and exception_ledger.detected_date < rpt_report_periods.next_month_start
),

by_rule as (
    select
        rule_name_ja,
        min(case severity when 'critical' then 1 when 'warning' then 2 when 'info' then 3 else 4 end) as severity_rank,
        count(*) as opened_count,
        sum(case when status in ('acknowledged', 'resolved') then 1 else 0 end) as acted_on_count,
        sum(case when status = 'resolved' then 1 else 0 end) as resolved_count,
        percentile_cont(0.5) within group (order by time_to_resolve_hours) as median_hours_to_resolve,
        sum(case when is_recurrence then 1 else 0 end) as recurrence_count
    from this_month
    group by rule_name_ja
),

final as (
    select
        rule_name_ja,
        cast(row_number() over (order by opened_count desc, rule_name_ja) as {{ dbt.type_int() }}) as rule_order,
        case severity_rank when 1 then 'critical' when 2 then 'warning' when 3 then 'info' end as severity,
        cast(opened_count as {{ dbt.type_bigint() }}) as opened_count,
        cast(acted_on_count as {{ dbt.type_bigint() }}) as acted_on_count,
        cast(resolved_count as {{ dbt.type_bigint() }}) as resolved_count,
        {{ ratio('resolved_count', 'opened_count', 100) }} as completion_pct,
        cast(median_hours_to_resolve as double) as median_hours_to_resolve,
        cast(recurrence_count as {{ dbt.type_bigint() }}) as recurrence_count
    from by_rule
)

select * from final
