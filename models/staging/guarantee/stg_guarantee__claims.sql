-- Claims on a guarantee or credit insurance.: the rows of guarantee/claims that keep the landing contract.
with base_claims as (
    select * from {{ ref('base_guarantee__claims') }}
),

valid as (
    select
        claim_id,
        invoice_id,
        claim_date,
        claimed_amount,
        paid_date,
        paid_amount,
        guarantor
    from base_claims
    where rejection_reason is null
)

select * from valid
