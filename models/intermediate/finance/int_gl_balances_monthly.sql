-- 総勘定元帳 (general ledger) rolled forward by month and account category: the month's debits and
-- credits, and the balance (debit − credit, cumulative) at each month end. Every month from the
-- first posting month to the as-of month has a row for every category, so a month without
-- postings carries the previous balance. Postings after the as-of date are not counted.
with stg_accounting__journal_lines as (
    select * from {{ ref('stg_accounting__journal_lines') }}
),

stg_accounting__accounts as (
    select * from {{ ref('stg_accounting__accounts') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

postings as (
    select
        {{ month_start('stg_accounting__journal_lines.posting_date') }} as month_start,
        stg_accounting__accounts.account_category,
        stg_accounting__journal_lines.debit_amount,
        stg_accounting__journal_lines.credit_amount
    from stg_accounting__journal_lines
    inner join stg_accounting__accounts
        on stg_accounting__journal_lines.account_code = stg_accounting__accounts.account_code
    cross join int_reporting_dates
    where stg_accounting__journal_lines.posting_date <= int_reporting_dates.as_of_date
),

monthly_postings as (
    select
        month_start,
        account_category,
        sum(debit_amount) as period_debit_amount,
        sum(credit_amount) as period_credit_amount
    from postings
    group by month_start, account_category
),

month_bounds as (
    select
        min(monthly_postings.month_start) as first_month_start,
        {{ month_start('int_reporting_dates.as_of_date') }} as last_month_start
    from monthly_postings
    cross join int_reporting_dates
    group by int_reporting_dates.as_of_date
),

months as (
    {{ months_between_dates('month_bounds', 'first_month_start', 'last_month_start') | indent(4) }}
),

account_categories as (
    select distinct account_category from stg_accounting__accounts
),

month_categories as (
    select
        months.month_start,
        account_categories.account_category
    from months
    cross join account_categories
),

period_amounts as (
    select
        month_categories.month_start,
        month_categories.account_category,
        coalesce(monthly_postings.period_debit_amount, 0) as period_debit_amount,
        coalesce(monthly_postings.period_credit_amount, 0) as period_credit_amount,
        coalesce(monthly_postings.period_debit_amount, 0)
        - coalesce(monthly_postings.period_credit_amount, 0) as period_net_amount
    from month_categories
    left join monthly_postings
        on
            month_categories.month_start = monthly_postings.month_start
            and month_categories.account_category = monthly_postings.account_category
),

final as (
    select
        month_start,
        account_category,
        cast(period_debit_amount as decimal(18, 2)) as period_debit_amount,
        cast(period_credit_amount as decimal(18, 2)) as period_credit_amount,
        cast(period_net_amount as decimal(18, 2)) as period_net_amount,
        cast(
            sum(period_net_amount) over (
                partition by account_category
                order by month_start
                rows between unbounded preceding and current row
            ) as decimal(18, 2)
        ) as ending_balance_amount
    from period_amounts
)

select * from final
