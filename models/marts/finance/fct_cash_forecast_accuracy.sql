-- 資金予測精度 (cash forecast accuracy, seed 001): each forecast against the actual balance on its
-- target date, per bank account or summed over all accounts when the forecast names none. The
-- actual is unknown (null) while the target date is after the as-of date.
with stg_treasury__cash_forecasts as (
    select * from {{ ref('stg_treasury__cash_forecasts') }}
),

fct_cash_balances_daily as (
    select * from {{ ref('fct_cash_balances_daily') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

all_accounts_daily as (
    select
        balance_date,
        sum(balance_amount) as balance_amount
    from fct_cash_balances_daily
    group by balance_date
),

with_actuals as (
    select
        stg_treasury__cash_forecasts.forecast_id,
        stg_treasury__cash_forecasts.made_date,
        stg_treasury__cash_forecasts.target_date,
        stg_treasury__cash_forecasts.horizon,
        stg_treasury__cash_forecasts.bank_account_id,
        stg_treasury__cash_forecasts.forecast_balance,
        case
            when stg_treasury__cash_forecasts.target_date > int_reporting_dates.as_of_date then null
            when stg_treasury__cash_forecasts.bank_account_id is null then all_accounts_daily.balance_amount
            else account_daily.balance_amount
        end as actual_balance
    from stg_treasury__cash_forecasts
    cross join int_reporting_dates
    left join fct_cash_balances_daily as account_daily
        on
            stg_treasury__cash_forecasts.bank_account_id = account_daily.bank_account_id
            and stg_treasury__cash_forecasts.target_date = account_daily.balance_date
    left join all_accounts_daily
        on
            stg_treasury__cash_forecasts.bank_account_id is null
            and stg_treasury__cash_forecasts.target_date = all_accounts_daily.balance_date
),

errors as (
    select
        forecast_id,
        made_date,
        target_date,
        horizon,
        bank_account_id,
        forecast_balance,
        actual_balance,
        abs(forecast_balance - actual_balance) as absolute_error_amount
    from with_actuals
),

final as (
    select
        forecast_id,
        made_date,
        target_date,
        horizon,
        cast({{ dbt.datediff('made_date', 'target_date', 'day') }} as {{ dbt.type_int() }}) as horizon_days,  -- noqa: LT05
        bank_account_id,
        cast(forecast_balance as decimal(18, 2)) as forecast_balance,
        cast(actual_balance as decimal(18, 2)) as actual_balance,
        cast(absolute_error_amount as decimal(18, 2)) as absolute_error_amount,
        cast(
            (1 - absolute_error_amount / nullif(actual_balance, 0)) * 100 as decimal(18, 4)
        ) as forecast_accuracy_pct,
        actual_balance is not null as is_actual_known
    from errors
)

select * from final
