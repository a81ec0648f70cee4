-- 控除・差引 (short payments): each application on which cash application booked a shortfall, as the
-- transfer fee of the bank fee table or as a deduction beyond the applicable fee, with its amount.
with int_short_payments_judged as (
    select * from {{ ref('int_short_payments_judged') }}
),

final as (
    select
        application_id,
        bank_transaction_id,
        invoice_id,
        customer_key,
        applied_date,
        cast(applied_amount as decimal(18, 2)) as applied_amount,
        cast(fee_deducted_amount as decimal(18, 2)) as fee_deducted_amount,
        cast(shortfall_amount as decimal(18, 2)) as shortfall_amount,
        is_table_fee,
        cast(applicable_fee_amount as decimal(18, 2)) as applicable_fee_amount,
        cast(deduction_amount as decimal(18, 2)) as deduction_amount,
        is_deduction
    from int_short_payments_judged
)

select * from final
