-- Cash balance forecasts by horizon, for forecast accuracy (資金予測精度): the rows of
-- treasury/cash_forecasts that keep the landing contract.
with base_cash_forecasts as (
    select * from {{ ref('base_treasury__cash_forecasts') }}
),

valid as (
    select
        forecast_id,
        made_on as made_date,
        target_date,
        horizon,
        forecast_balance,
        bank_account_id
    from base_cash_forecasts
    where rejection_reason is null
)

select * from valid
