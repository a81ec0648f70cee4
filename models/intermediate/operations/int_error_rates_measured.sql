-- Columns written by Jinja loops: layout (LT02) unchecked, see .sqlfluff.
-- noqa: disable=LT02
-- The error rates of fct_error_rates (エラー率) computed: one row per calendar month, team and category
-- (kpis.md; seed document 000: 照合/入力/処理エラー件数), errors and items processed as additive parts
-- and their ratio. matching = cash-application reversals + deposits whose customer could not be
-- resolved + data_correction tasks of category matching (items: applications + deposits); input =
-- quarantined landing rows + data_correction tasks of category input (items: landing rows read);
-- processing = data_correction tasks of category processing (or none) + failed data-quality checks
-- (items: tasks + checks run). Team: a task's assignee's team; an application's customer's owner team;
-- `(system)` for deposits, landing rows, customers without an owner and data-quality checks. Every
-- month × team × category has a row, so a month without items shows a null rate.
{%- set parts = [
    'reversal_count', 'unresolved_deposit_count', 'quarantined_row_count', 'failed_check_count',
    'correction_task_count', 'application_count', 'deposit_count', 'rows_read_count', 'task_count',
    'check_run_count',
] %}

with int_cash_applications_resolved as (
    select * from {{ ref('int_cash_applications_resolved') }}
),

int_deposits_resolved as (
    select * from {{ ref('int_deposits_resolved') }}
),

int_customers_attributed as (
    select * from {{ ref('int_customers_attributed') }}
),

int_tasks_measured as (
    select * from {{ ref('int_tasks_measured') }}
),

int_source_rows_counted as (
    select * from {{ ref('int_source_rows_counted') }}
),

int_data_quality_results as (
    select * from {{ ref('int_data_quality_results') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

-- Applications (消込) and their reversals (a reversal is a matching error), up to the as-of date,
-- in the team that owns the invoice's customer: the owners do their customers' cash application.
applications as (
    select
        {{ month_start('int_cash_applications_resolved.applied_date') }} as month_start,
        coalesce(int_customers_attributed.owner_team, '(system)') as team,
        'matching' as error_category,
        sum(case when int_cash_applications_resolved.is_reversal then 1 else 0 end) as reversal_count,
        sum(case when int_cash_applications_resolved.is_reversal then 0 else 1 end) as application_count
    from int_cash_applications_resolved
    left join int_customers_attributed
        on int_cash_applications_resolved.customer_key = int_customers_attributed.customer_key
    group by
        {{ month_start('int_cash_applications_resolved.applied_date') }},
        coalesce(int_customers_attributed.owner_team, '(system)')
),

-- Deposits (入金) come in through the bank feed and are matched to customers (名寄せ) by the system;
-- one whose customer could not be resolved is a matching error.
deposits as (
    select
        {{ month_start('int_deposits_resolved.value_date') }} as month_start,
        '(system)' as team,
        'matching' as error_category,
        sum(case when int_deposits_resolved.match_status = 'resolved' then 0 else 1 end) as unresolved_deposit_count,
        count(*) as deposit_count
    from int_deposits_resolved
    cross join int_reporting_dates
    where int_deposits_resolved.value_date <= int_reporting_dates.as_of_date
    group by {{ month_start('int_deposits_resolved.value_date') }}
),

-- Landing rows read, and those quarantined (隔離行): input errors.
source_rows as (
    select
        month_start,
        '(system)' as team,
        'input' as error_category,
        sum(quarantined_row_count) as quarantined_row_count,
        sum(rows_read_count) as rows_read_count
    from int_source_rows_counted
    group by month_start
),

-- data_correction tasks, by the month they were raised, in the category they name (a task that
-- names none is a processing error); cancelled tasks were not needed and do not count.
correction_tasks as (
    select
        {{ month_start('created_date') }} as month_start,
        coalesce(team, '(unknown)') as team,
        coalesce(error_category, 'processing') as error_category,
        count(*) as correction_task_count
    from int_tasks_measured
    where task_type = 'data_correction' and not is_cancelled
    group by {{ month_start('created_date') }}, coalesce(team, '(unknown)'), coalesce(error_category, 'processing')
),

-- Tasks processed (not cancelled), by the month they were raised: the processing items.
all_tasks as (
    select
        {{ month_start('created_date') }} as month_start,
        coalesce(team, '(unknown)') as team,
        'processing' as error_category,
        count(*) as task_count
    from int_tasks_measured
    where not is_cancelled
    group by {{ month_start('created_date') }}, coalesce(team, '(unknown)')
),

-- Data-quality checks run, and those that failed (status fail or error; a warning is not a failure).
quality_checks as (
    select
        {{ month_start('int_data_quality_results.checked_at') }} as month_start,
        '(system)' as team,
        'processing' as error_category,
        sum(case when int_data_quality_results.status in ('fail', 'error') then 1 else 0 end) as failed_check_count,
        count(*) as check_run_count
    from int_data_quality_results
    cross join int_reporting_dates
    where cast(int_data_quality_results.checked_at as date) <= int_reporting_dates.as_of_date
    group by {{ month_start('int_data_quality_results.checked_at') }}
),

{%- set sources = [
    ('applications', ['reversal_count', 'application_count']),
    ('deposits', ['unresolved_deposit_count', 'deposit_count']),
    ('source_rows', ['quarantined_row_count', 'rows_read_count']),
    ('correction_tasks', ['correction_task_count']),
    ('all_tasks', ['task_count']),
    ('quality_checks', ['failed_check_count', 'check_run_count']),
] %}

parts_unioned as (
    {%- for source_cte, source_parts in sources %}
    select
        month_start,
        team,
        error_category,
        {%- for part in parts %}
        {{ part if part in source_parts else '0' }} as {{ part }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ source_cte }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

parts_summed as (
    select
        month_start,
        team,
        error_category,
        {%- for part in parts %}
        sum({{ part }}) as {{ part }}{{ ',' if not loop.last }}
        {%- endfor %}
    from parts_unioned
    group by month_start, team, error_category
),

-- Every month × team × category, so a month without items shows a null rate rather than no row.
months as (
    select distinct month_start from parts_summed
),

teams as (
    select distinct team from parts_summed
),

categories as (
    select 'matching' as error_category
    union all
    select 'input'
    union all
    select 'processing'
),

grid as (
    select
        months.month_start,
        teams.team,
        categories.error_category
    from months
    cross join teams
    cross join categories
),

measured as (
    select
        grid.month_start,
        grid.team,
        grid.error_category,
        {%- for part in parts %}
        coalesce(parts_summed.{{ part }}, 0) as {{ part }}{{ ',' if not loop.last }}
        {%- endfor %}
    from grid
    left join parts_summed
        on grid.month_start = parts_summed.month_start
        and grid.team = parts_summed.team
        and grid.error_category = parts_summed.error_category
),

final as (
    select
        month_start,
        team,
        error_category,
        cast(reversal_count as bigint) as reversal_count,
        cast(unresolved_deposit_count as bigint) as unresolved_deposit_count,
        cast(quarantined_row_count as bigint) as quarantined_row_count,
        cast(failed_check_count as bigint) as failed_check_count,
        cast(correction_task_count as bigint) as correction_task_count,
        cast(
            reversal_count + unresolved_deposit_count + quarantined_row_count + failed_check_count
            + correction_task_count as bigint
        ) as error_count,
        cast(application_count as bigint) as application_count,
        cast(deposit_count as bigint) as deposit_count,
        cast(rows_read_count as bigint) as rows_read_count,
        cast(task_count as bigint) as task_count,
        cast(check_run_count as bigint) as check_run_count,
        cast(application_count + deposit_count + rows_read_count + task_count + check_run_count as bigint)
            as items_processed_count,
        {{ pct(
            'reversal_count + unresolved_deposit_count + quarantined_row_count + failed_check_count'
            ~ ' + correction_task_count',
            'application_count + deposit_count + rows_read_count + task_count + check_run_count'
        ) }} as error_rate_pct
    from measured
)

select * from final
