-- 自動化率 (automation rate, seed 001): per process and month, the tasks done automatically out of
-- all tasks whose sources say whether they were automated. Processes come from the seed
-- process_catalog; only those the sources can measure get rows. A task with no automation flag
-- in its source counts in neither part.
with stg_billing__invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

stg_accounting__cash_applications as (
    select * from {{ ref('stg_accounting__cash_applications') }}
),

stg_crm__activities as (
    select * from {{ ref('stg_crm__activities') }}
),

stg_accounting__journal_lines as (
    select * from {{ ref('stg_accounting__journal_lines') }}
),

process_catalog as (
    select * from {{ ref('process_catalog') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

-- 請求書発行: each invoice or credit note issued, by its invoice date.
invoice_issuing_tasks as (
    select
        'invoice_issuing' as process_key,
        invoice_date as task_date,
        issue_method = 'auto' as is_automated
    from stg_billing__invoices
    where issue_method is not null
),

-- 入金消込: each match of a deposit to an invoice, by its applied date; reversals are errors, not tasks.
cash_application_tasks as (
    select
        'cash_application' as process_key,
        applied_date as task_date,
        application_method = 'auto' as is_automated
    from stg_accounting__cash_applications
    where application_method is not null and reverses_application_id is null
),

-- 督促リマインダー: each written reminder (channels a system can send), by the day it was sent.
dunning_reminder_tasks as (
    select
        'dunning_reminder' as process_key,
        cast(activity_at as date) as task_date,
        coalesce(is_automated, false) as is_automated
    from stg_crm__activities
    where channel in ('email', 'sms', 'letter', 'portal')
),

-- 仕訳入力: each journal entry, automated when every line was entered by `system`.
journal_entry_tasks as (
    select
        'journal_entry' as process_key,
        min(posting_date) as task_date,
        min(case when entered_by = 'system' then 1 else 0 end) = 1 as is_automated
    from stg_accounting__journal_lines
    where entered_by is not null
    group by journal_id
),

tasks as (
    select * from invoice_issuing_tasks
    union all
    select * from cash_application_tasks
    union all
    select * from dunning_reminder_tasks
    union all
    select * from journal_entry_tasks
),

monthly_tasks as (
    select
        tasks.process_key,
        {{ month_start('tasks.task_date') }} as month_start,
        sum(case when tasks.is_automated then 1 else 0 end) as automated_count,
        count(*) as total_count
    from tasks
    cross join int_reporting_dates
    where tasks.task_date <= int_reporting_dates.as_of_date
    group by tasks.process_key, {{ month_start('tasks.task_date') }}
),

month_bounds as (
    select
        min(monthly_tasks.month_start) as first_month_start,
        {{ month_start('int_reporting_dates.as_of_date') }} as last_month_start
    from monthly_tasks
    cross join int_reporting_dates
    group by int_reporting_dates.as_of_date
),

months as (
    {{ months_between_dates('month_bounds', 'first_month_start', 'last_month_start') | indent(4) }}
),

measurable_processes as (
    select
        process_key,
        process_name_ja,
        target_pct,
        final_target_pct
    from process_catalog
    where is_measurable
),

process_months as (
    select
        months.month_start,
        measurable_processes.process_key,
        measurable_processes.process_name_ja,
        measurable_processes.target_pct,
        measurable_processes.final_target_pct,
        coalesce(monthly_tasks.automated_count, 0) as automated_count,
        coalesce(monthly_tasks.total_count, 0) as total_count
    from months
    cross join measurable_processes
    left join monthly_tasks
        on
            months.month_start = monthly_tasks.month_start
            and measurable_processes.process_key = monthly_tasks.process_key
),

final as (
    select
        month_start,
        process_key,
        process_name_ja,
        cast(automated_count as {{ dbt.type_bigint() }}) as automated_count,
        cast(total_count as {{ dbt.type_bigint() }}) as total_count,
        cast(automated_count * 100.0 / nullif(total_count, 0) as decimal(18, 4)) as automation_rate_pct,
        cast(target_pct as decimal(18, 4)) as target_pct,
        cast(final_target_pct as decimal(18, 4)) as final_target_pct
    from process_months
)

select * from final
