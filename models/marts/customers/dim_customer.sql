-- 顧客マスタ — one row per customer_key: the billing master's attributes, the CRM's segment and
-- owner, and one explicit "unresolved" customer that holds what could not be resolved.
with int_customers_attributed as (
    select * from {{ ref('int_customers_attributed') }}
),

final as (
    select
        customer_key,
        billing_customer_id,
        customer_name,
        customer_name_kana,
        corporate_number,
        payment_terms_days,
        credit_limit,
        virtual_account_number,
        crm_account_id,
        accounting_customer_code,
        segment,
        industry,
        owner_assignee_id,
        owner_assignee_name,
        owner_team,
        is_unresolved,
        payment_terms,
        payment_terms_segment
    from int_customers_attributed
)

select * from final
