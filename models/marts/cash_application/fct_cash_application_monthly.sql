-- 消込実績 (cash application by month and method): applications and reversals by the month they were
-- booked, deposits by the month they arrived, and the auto-match rate (自動消込率) at deposit and at
-- invoice level, by count and by amount. Every deposit and every application counts on exactly one
-- row, so the count and amount columns add up over months and methods; the rates are the month's.
{%- set parts = [
    'application_count', 'applied_amount', 'fee_deducted_amount', 'reversal_count', 'reversal_amount',
    'matched_application_count', 'matched_applied_amount', 'auto_matched_application_count',
    'auto_matched_applied_amount', 'received_deposit_count', 'received_deposit_amount',
    'fully_applied_deposit_count', 'fully_applied_deposit_amount', 'unapplied_deposit_count',
    'unapplied_amount', 'auto_matched_deposit_count', 'auto_matched_deposit_amount',
] %}

with int_cash_application_months_summed as (
    select * from {{ ref('int_cash_application_months_summed') }}
),

-- The rates are over all methods of the month (the ratio of the month's sums), repeated on each row.
month_totals as (
    select
        month_start,
        sum(auto_matched_deposit_count) as auto_matched_deposit_count,
        sum(received_deposit_count) as received_deposit_count,
        sum(auto_matched_deposit_amount) as auto_matched_deposit_amount,
        sum(received_deposit_amount) as received_deposit_amount,
        sum(auto_matched_application_count) as auto_matched_application_count,
        sum(matched_application_count) as matched_application_count,
        sum(auto_matched_applied_amount) as auto_matched_applied_amount,
        sum(matched_applied_amount) as matched_applied_amount
    from int_cash_application_months_summed
    group by month_start
),

month_rates as (
    select
        month_start,
        auto_matched_deposit_count * 100.0 / nullif(received_deposit_count, 0)
            as deposit_auto_match_count_pct,
        auto_matched_deposit_amount * 100.0 / nullif(received_deposit_amount, 0)
            as deposit_auto_match_amount_pct,
        auto_matched_application_count * 100.0 / nullif(matched_application_count, 0)
            as invoice_auto_match_count_pct,
        auto_matched_applied_amount * 100.0 / nullif(matched_applied_amount, 0)
            as invoice_auto_match_amount_pct
    from month_totals
),

final as (
    select
        int_cash_application_months_summed.month_start,
        int_cash_application_months_summed.application_method,
        {%- for part in parts %}
            {%- set part_type = dbt.type_bigint() if part.endswith('_count') else 'decimal(18, 2)' %}
            cast(int_cash_application_months_summed.{{ part }} as {{ part_type }}) as {{ part }},
        {%- endfor %}
        cast(month_rates.deposit_auto_match_count_pct as decimal(18, 4)) as deposit_auto_match_count_pct,
        cast(month_rates.deposit_auto_match_amount_pct as decimal(18, 4)) as deposit_auto_match_amount_pct,
        cast(month_rates.invoice_auto_match_count_pct as decimal(18, 4)) as invoice_auto_match_count_pct,
        cast(month_rates.invoice_auto_match_amount_pct as decimal(18, 4)) as invoice_auto_match_amount_pct
    from int_cash_application_months_summed
    inner join month_rates
        on int_cash_application_months_summed.month_start = month_rates.month_start
)

select * from final
