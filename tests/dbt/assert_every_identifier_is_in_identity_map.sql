-- Every customer identifier that any staged record carries appears in customer_identity_map
-- (customer_key.md: one row per source_system and source_identifier), so no fact lacks a key.
with identifiers as (
    select 'billing' as source_system, billing_customer_id as source_identifier
    from {{ ref('stg_billing__invoices') }}
    union
    select 'crm' as source_system, crm_account_id as source_identifier
    from {{ ref('stg_crm__activities') }}
    union
    select 'crm' as source_system, crm_account_id as source_identifier
    from {{ ref('stg_crm__tasks') }}
    where crm_account_id is not null
    union
    select 'accounting' as source_system, accounting_customer_code as source_identifier
    from {{ ref('stg_accounting__customers') }}
    union
    select 'bank' as source_system, remitter_name as source_identifier
    from {{ ref('stg_bank__transactions') }}
    where transaction_amount > 0 and remitter_name is not null
    union
    select 'bank' as source_system, virtual_account_number as source_identifier
    from {{ ref('stg_bank__transactions') }}
    where transaction_amount > 0 and virtual_account_number is not null
    union
    select 'legal' as source_system, legal_case_id as source_identifier
    from {{ ref('stg_legal__cases') }}
)

select identifiers.*
from identifiers
left join {{ ref('customer_identity_map') }} as identity_map
    on
        identifiers.source_system = identity_map.source_system
        and identifiers.source_identifier = identity_map.source_identifier
where identity_map.source_identifier is null
