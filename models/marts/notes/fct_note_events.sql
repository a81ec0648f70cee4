-- 手形・でんさい台帳 (the notes ledger) as BI reads it: each event of each note line with its effects
-- on notes receivable, 売掛金 and cash.
with int_note_events_unioned as (
    select * from {{ ref('int_note_events_unioned') }}
),

final as (
    select
        event_id,
        note_id,
        invoice_id,
        customer_key,
        note_type,
        event_type,
        event_date,
        maturity_date,
        cast(notes_receivable_effect as decimal(18, 2)) as notes_receivable_effect,
        cast(accounts_receivable_effect as decimal(18, 2)) as accounts_receivable_effect,
        cast(cash_effect as decimal(18, 2)) as cash_effect,
        cast(discount_fee_amount as decimal(18, 2)) as discount_fee_amount
    from int_note_events_unioned
)

select * from final
