-- Rule: collectors' collected_amount summed over all owners equals the company's collections from customers that have
-- an owner, month by month (fct_collector_monthly, fct_team_monthly) and over the whole span (fct_collector_weekly:
-- ISO weeks straddle months); and tasks_completed_count summed over collectors equals every task completed by the
-- as-of date.
with fct_collector_weekly as (
    select * from {{ ref('fct_collector_weekly') }}
),

fct_collector_monthly as (
    select * from {{ ref('fct_collector_monthly') }}
),

fct_team_monthly as (
    select * from {{ ref('fct_team_monthly') }}
),

fct_ar_monthly as (
    select * from {{ ref('fct_ar_monthly') }}
),

stg_crm__tasks as (
    select * from {{ ref('stg_crm__tasks') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

company_monthly as (
    select
        month_start,
        sum(collections) as collected_amount
    from fct_ar_monthly
    where owner_assignee_id is not null
    group by month_start
),

collector_monthly as (
    select
        month_start,
        sum(collected_amount) as collected_amount,
        sum(tasks_completed_count) as tasks_completed_count
    from fct_collector_monthly
    group by month_start
),

team_monthly as (
    select
        month_start,
        sum(collected_amount) as collected_amount,
        sum(tasks_completed_count) as tasks_completed_count
    from fct_team_monthly
    group by month_start
),

monthly_differences as (
    select
        'collected_amount by month' as measure,
        cast(coalesce(company_monthly.month_start, collector_monthly.month_start) as {{ dbt.type_string() }})
            as period,
        coalesce(company_monthly.collected_amount, 0) as company_value,
        coalesce(collector_monthly.collected_amount, 0) as collector_value
    from company_monthly
    full outer join collector_monthly on company_monthly.month_start = collector_monthly.month_start
),

team_differences as (
    select
        'team roll-up by month' as measure,
        cast(collector_monthly.month_start as {{ dbt.type_string() }}) as period,
        collector_monthly.collected_amount + collector_monthly.tasks_completed_count as company_value,
        coalesce(team_monthly.collected_amount + team_monthly.tasks_completed_count, 0) as collector_value
    from collector_monthly
    left join team_monthly on collector_monthly.month_start = team_monthly.month_start
),

weekly_total as (
    select
        sum(collected_amount) as collected_amount,
        sum(tasks_completed_count) as tasks_completed_count
    from fct_collector_weekly
),

monthly_total as (
    select
        sum(collected_amount) as collected_amount,
        sum(tasks_completed_count) as tasks_completed_count
    from fct_collector_monthly
),

company_total as (
    select sum(collected_amount) as collected_amount from company_monthly
),

completed_tasks as (
    select count(*) as tasks_completed_count
    from stg_crm__tasks
    cross join int_reporting_dates
    where
        stg_crm__tasks.task_status = 'done'
        and stg_crm__tasks.completed_at < cast({{ add_days('int_reporting_dates.as_of_date', 1) }} as timestamp)
),

total_differences as (
    select
        'collected_amount over all weeks' as measure,
        'all' as period,
        company_total.collected_amount as company_value,
        weekly_total.collected_amount as collector_value
    from company_total
    cross join weekly_total
    union all
    select
        'tasks_completed_count over all weeks' as measure,
        'all' as period,
        completed_tasks.tasks_completed_count as company_value,
        weekly_total.tasks_completed_count as collector_value
    from completed_tasks
    cross join weekly_total
    union all
    select
        'tasks_completed_count over all months' as measure,
        'all' as period,
        completed_tasks.tasks_completed_count as company_value,
        monthly_total.tasks_completed_count as collector_value
    from completed_tasks
    cross join monthly_total
),

final as (
    select * from monthly_differences
    union all
    select * from team_differences
    union all
    select * from total_differences
)

select *
from final
where abs(coalesce(company_value, 0) - coalesce(collector_value, 0)) > 0.005
