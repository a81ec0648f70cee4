-- 案件: the rows of legal/cases that keep the landing contract.
with base_cases as (
    select * from {{ ref('base_legal__cases') }}
),

valid as (
    select
        legal_case_id,
        debtor_name,
        {{ checked_corporate_number('debtor_corporate_number') }} as debtor_corporate_number,
        crm_account_id,
        opened_date,
        current_stage,
        closed_date,
        outcome as case_outcome,
        agency,
        assignee_id
    from base_cases
    where rejection_reason is null
)

select * from valid
