-- Each deposit (入金) with its customer: the virtual account it came in on decides first, then the
-- remitter name as resolved in the identity map; otherwise the explicit unresolved customer.
with stg_bank__transactions as (
    select * from {{ ref('stg_bank__transactions') }}
),

identity_map as (
    select * from {{ ref('int_customer_identifiers_resolved') }}
),

deposits as (
    select * from stg_bank__transactions where transaction_amount > 0
),

by_virtual_account as (
    select source_identifier as virtual_account_number, customer_key, match_method
    from identity_map
    where identifier_type = 'virtual_account_number' and match_status = 'resolved'
),

by_remitter_name as (
    select source_identifier as remitter_name, customer_key, match_method, match_status
    from identity_map
    where identifier_type = 'remitter_name'
),

final as (
    select
        deposits.bank_transaction_id,
        deposits.bank_account_id,
        deposits.value_date,
        deposits.transaction_amount as deposit_amount,
        deposits.remitter_name,
        deposits.virtual_account_number,
        coalesce(by_virtual_account.customer_key, by_remitter_name.customer_key, {{ unresolved_customer_key() }})
            as customer_key,
        coalesce(by_virtual_account.match_method, by_remitter_name.match_method) as match_method,
        case
            when by_virtual_account.customer_key is not null then 'resolved'
            else coalesce(by_remitter_name.match_status, 'no_match')
        end as match_status
    from deposits
    left join by_virtual_account on deposits.virtual_account_number = by_virtual_account.virtual_account_number
    left join by_remitter_name on deposits.remitter_name = by_remitter_name.remitter_name
)

select * from final
