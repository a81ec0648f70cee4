-- 請求先マスタ: the rows of billing/customers that keep the landing contract.
with base_customers as (
    select * from {{ ref('base_billing__customers') }}
),

valid as (
    select
        billing_customer_id,
        customer_name,
        customer_name_kana,
        {{ checked_corporate_number('corporate_number') }} as corporate_number,
        payment_terms_days,
        credit_limit,
        virtual_account_number,
        payment_terms
    from base_customers
    where rejection_reason is null
)

select * from valid
