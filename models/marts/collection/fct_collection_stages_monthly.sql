-- 督促ステージ別回収率 (recovery by collection stage, kpis.md collection stages; seed document 004
-- indicator 4) — per stage (soft, hard, legal), entry month, owner team and segment: the invoices,
-- amount and debtors that entered the stage in the month and, of that cohort, the amount and debtors
-- paid while still in the stage, whenever paid up to as_of_date.
-- An invoice's stage on day d is legal when legal_entered_date <= d, else hard when hard_entered_date
-- <= d, else soft when soft_entered_date <= d; it enters a stage on the first day that rule gives it
-- (so an invoice that goes to legal straight from soft never enters hard). The amount entering is
-- the invoice's open amount at the start of the entry day (the balance interval holding the day
-- before); for soft that is the amount open at the end of the due date. For legal the recovery base
-- is the amount transferred to legal (the legal system's case invoices, by case opened month) and what
-- it paid is the legal system's recoveries of those cases. stage_recovery_pct = paid in the stage /
-- recovery base × 100 of one cohort; collected_in_month_amount is the month's flow (any cohort).
-- Computed in int_collection_stages_measured.
with int_collection_stages_measured as (
    select * from {{ ref('int_collection_stages_measured') }}
),

final as (
    select
        month_start,
        collection_stage,
        collection_stage_order,
        owner_team,
        segment,
        is_month_in_progress,
        entered_debtor_count,
        entered_invoice_count,
        entered_amount,
        transferred_amount,
        recovery_base_amount,
        paid_in_stage_debtor_count,
        paid_in_stage_amount,
        stage_recovery_pct,
        stage_debtor_recovery_pct,
        collected_in_month_amount
    from int_collection_stages_measured
)

select * from final
