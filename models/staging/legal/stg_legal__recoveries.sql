-- 回収実績: the rows of legal/recoveries that keep the landing contract.
with base_recoveries as (
    select * from {{ ref('base_legal__recoveries') }}
),

valid as (
    select
        legal_case_id,
        recovery_date,
        amount as recovered_amount,
        cost as recovery_cost
    from base_recoveries
    where rejection_reason is null
)

select * from valid
