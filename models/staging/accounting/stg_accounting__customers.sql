-- 取引先マスタ: the rows of accounting/customers that keep the landing contract.
with base_customers as (
    select * from {{ ref('base_accounting__customers') }}
),

valid as (
    select
        accounting_customer_code,
        customer_name,
        {{ checked_corporate_number('corporate_number') }} as corporate_number
    from base_customers
    where rejection_reason is null
)

select * from valid
