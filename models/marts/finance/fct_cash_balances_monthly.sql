-- 月末現金残高改善率 (month-end cash improvement, seed 001): per month, each bank account's month-end
-- balance and the all-accounts total (bank_account_id 'all'), each against its own balance at the end
-- of the base month: the dbt var cash_base_month (YYYY-MM), or the first month with balances.
{%- set configured_base_month = var('cash_base_month', none) | string | trim %}
{%- if configured_base_month in ('', 'none', 'None') %}
    {%- set base_month = none %}
{%- elif modules.re.match('^\\d{4}-\\d{2}(-\\d{2})?$', configured_base_month) %}
    {%- set base_month = configured_base_month[:7] ~ '-01' %}
{%- else %}
    {{ exceptions.raise_compiler_error("cash_base_month must be YYYY-MM, got '" ~ configured_base_month ~ "'") }}
{%- endif %}

with fct_cash_balances_daily as (
    select * from {{ ref('fct_cash_balances_daily') }}
),

daily_balances as (
    select
        {{ month_start('balance_date') }} as month_start,
        bank_account_id,
        balance_date,
        balance_amount
    from fct_cash_balances_daily
),

-- The month's last day, or the as-of date in the as-of month (the daily balances stop there).
ranked_days as (
    select
        month_start,
        bank_account_id,
        balance_date,
        balance_amount,
        row_number() over (
            partition by bank_account_id, month_start
            order by balance_date desc
        ) as day_rank
    from daily_balances
),

account_month_ends as (
    select
        month_start,
        bank_account_id,
        false as is_all_accounts,
        balance_date as month_end_date,
        balance_amount as month_end_balance_amount
    from ranked_days
    where day_rank = 1
),

all_accounts_month_ends as (
    select
        month_start,
        'all' as bank_account_id,
        true as is_all_accounts,
        max(month_end_date) as month_end_date,
        sum(month_end_balance_amount) as month_end_balance_amount
    from account_month_ends
    group by month_start
),

month_ends as (
    select * from account_month_ends
    union all
    select * from all_accounts_month_ends
),

base_month as (
    {%- if base_month %}
    select cast('{{ base_month }}' as date) as base_month_start
    {%- else %}
        select min(month_start) as base_month_start
        from month_ends
    {%- endif %}
),

base_balances as (
    select
        month_ends.bank_account_id,
        month_ends.month_start as base_month_start,
        month_ends.month_end_balance_amount as base_month_end_balance_amount
    from month_ends
    inner join base_month
        on month_ends.month_start = base_month.base_month_start
),

compared as (
    select
        month_ends.month_start,
        month_ends.bank_account_id,
        month_ends.is_all_accounts,
        month_ends.month_end_date,
        month_ends.month_end_balance_amount,
        base_month.base_month_start,
        base_balances.base_month_end_balance_amount,
        month_ends.month_end_balance_amount - base_balances.base_month_end_balance_amount
            as cash_improvement_amount
    from month_ends
    cross join base_month
    left join base_balances
        on month_ends.bank_account_id = base_balances.bank_account_id
),

final as (
    select
        month_start,
        bank_account_id,
        is_all_accounts,
        month_end_date,
        cast(month_end_balance_amount as decimal(18, 2)) as month_end_balance_amount,
        base_month_start,
        cast(base_month_end_balance_amount as decimal(18, 2)) as base_month_end_balance_amount,
        cast(cash_improvement_amount as decimal(18, 2)) as cash_improvement_amount,
        cast(
            cash_improvement_amount * 100.0 / nullif(base_month_end_balance_amount, 0) as decimal(18, 4)
        ) as cash_improvement_pct
    from compared
)

select * from final
