-- 日次現金残高 (daily cash balance): per bank account and day, the last balance the bank reported
-- that day. A day without a report carries the previous balance forward, from the account's first
-- report to the as-of date; reports after the as-of date are not read.
with stg_bank__balances as (
    select * from {{ ref('stg_bank__balances') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

balance_reports as (
    select
        stg_bank__balances.bank_account_id,
        cast(stg_bank__balances.balance_at as date) as balance_date,
        stg_bank__balances.balance_at,
        stg_bank__balances.balance_amount
    from stg_bank__balances
    cross join int_reporting_dates
    where cast(stg_bank__balances.balance_at as date) <= int_reporting_dates.as_of_date
),

ranked_reports as (
    select
        bank_account_id,
        balance_date,
        balance_at,
        balance_amount,
        row_number() over (
            partition by bank_account_id, balance_date
            order by balance_at desc, balance_amount desc
        ) as report_rank
    from balance_reports
),

day_closing_balances as (
    select
        bank_account_id,
        balance_date,
        balance_at,
        balance_amount
    from ranked_reports
    where report_rank = 1
),

-- Each closing balance holds from its day until the day before the account's next report.
balance_intervals as (
    select
        day_closing_balances.bank_account_id,
        day_closing_balances.balance_date as valid_from_date,
        coalesce(
            lead(day_closing_balances.balance_date) over (
                partition by day_closing_balances.bank_account_id
                order by day_closing_balances.balance_date
            ),
            {{ add_days('int_reporting_dates.as_of_date', 1) }}
        ) as valid_until_date,
        day_closing_balances.balance_at,
        day_closing_balances.balance_amount
    from day_closing_balances
    cross join int_reporting_dates
),

day_bounds as (
    select
        min(day_closing_balances.balance_date) as first_balance_date,
        int_reporting_dates.as_of_date
    from day_closing_balances
    cross join int_reporting_dates
    group by int_reporting_dates.as_of_date
),

-- 40,000 days (over a century) bound the spine; the filter below keeps the data's range.
day_numbers as (
    {{ dbt.generate_series(40000) }}
),

day_offsets as (
    select cast(generated_number as {{ dbt.type_int() }}) - 1 as day_offset
    from day_numbers
),

days as (
    select {{ add_days('day_bounds.first_balance_date', 'day_offsets.day_offset') }} as balance_date
    from day_bounds
    cross join day_offsets
    where
        day_offsets.day_offset
        <= {{ dbt.datediff('day_bounds.first_balance_date', 'day_bounds.as_of_date', 'day') }}
),

final as (
    select
        days.balance_date,
        balance_intervals.bank_account_id,
        cast(balance_intervals.balance_amount as decimal(18, 2)) as balance_amount,
        balance_intervals.balance_at as reported_at,
        days.balance_date > balance_intervals.valid_from_date as is_carried_forward
    from balance_intervals
    inner join days
        on
            balance_intervals.valid_from_date <= days.balance_date
            and days.balance_date < balance_intervals.valid_until_date
)

select * from final
