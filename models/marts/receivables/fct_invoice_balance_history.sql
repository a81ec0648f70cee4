-- 債権残高履歴 — the open amount of each invoice as intervals [valid_from, valid_to): aging as of any
-- past day d is one query (valid_from <= d and (valid_to > d or valid_to is null)), blind to later payments.
with balances as (
    select * from {{ ref('int_invoice_balances_versioned') }}
),

final as (
    select
        balance_interval_id,
        invoice_id,
        customer_key,
        due_date,
        valid_from,
        valid_to,
        open_amount
    from balances
)

select * from final
