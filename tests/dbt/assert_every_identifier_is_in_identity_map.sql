-- Every customer identifier that any staged record carries appears in customer_identity_map
-- (customer_key.md: one row per source_system and source_identifier), so no fact lacks a key.
with identifiers as (
    select 'billing' as source_system, billing_customer_id as source_identifier
    from {{ ref('stg_billing__invoices') }}
    union
    select 'crm', crm_account_id from {{ ref('stg_crm__activities') }}
    union
    select 'crm', crm_account_id from {{ ref('stg_crm__tasks') }} where crm_account_id is not null
    union
    select 'accounting', accounting_customer_code from {{ ref('stg_accounting__customers') }}
    union
    select 'bank', remitter_name from {{ ref('stg_bank__transactions') }}
    where transaction_amount > 0 and remitter_name is not null
    union
    select 'bank', virtual_account_number from {{ ref('stg_bank__transactions') }}
    where transaction_amount > 0 and virtual_account_number is not null
    union
    select 'legal', legal_case_id from {{ ref('stg_legal__cases') }}
)

select identifiers.*
from identifiers
left join {{ ref('customer_identity_map') }} as identity_map
    on identifiers.source_system = identity_map.source_system
    and identifiers.source_identifier = identity_map.source_identifier
where identity_map.source_identifier is null
