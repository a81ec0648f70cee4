-- 未消込入金 (unapplied deposits): each deposit received up to the as-of date that cash application
-- has not fully applied by then, with its customer, what has been applied and what is left.
with int_deposits_unapplied as (
    select * from {{ ref('int_deposits_unapplied') }}
),

final as (
    select
        bank_transaction_id,
        bank_account_id,
        value_date,
        customer_key,
        match_status as customer_match_status,
        remitter_name,
        edi_invoice_id,
        cast(deposit_amount as decimal(18, 2)) as deposit_amount,
        cast(applied_amount as decimal(18, 2)) as applied_amount,
        cast(unapplied_amount as decimal(18, 2)) as unapplied_amount,
        applied_amount <> 0 as is_partially_applied,
        cast({{ dbt.datediff('value_date', 'as_of_date', 'day') }} as {{ dbt.type_int() }}) as unapplied_days  -- noqa: LT05
    from int_deposits_unapplied
)

select * from final
