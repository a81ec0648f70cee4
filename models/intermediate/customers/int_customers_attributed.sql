-- One row per customer_key: the billing master's attributes (of the anchoring billing customer), the
-- CRM's segment and owner, the payment terms' segment (int_payment_terms_parsed), and one explicit
-- "unresolved" customer that holds what could not be resolved. dim_customer publishes it; intermediate
-- models that need a customer's owner or team read it here.
with stg_billing__customers as (
    select * from {{ ref('stg_billing__customers') }}
),

stg_crm__accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

stg_crm__assignees as (
    select * from {{ ref('stg_crm__assignees') }}
),

identity_map as (
    select * from {{ ref('int_customer_identifiers_resolved') }}
),

int_payment_terms_parsed as (
    select * from {{ ref('int_payment_terms_parsed') }}
),

-- The anchoring billing customer of each key (the smallest id of a corporate-number group).
anchors as (
    select
        identity_map.customer_key,
        stg_billing__customers.*
    from identity_map
    inner join stg_billing__customers
        on identity_map.source_identifier = stg_billing__customers.billing_customer_id
    where identity_map.source_system = 'billing' and identity_map.match_method = 'anchor'
),

-- The CRM account of a customer; where several resolve to one customer, the smallest id speaks.
crm_accounts_ranked as (
    select
        identity_map.customer_key,
        stg_crm__accounts.*,
        row_number() over (partition by identity_map.customer_key order by stg_crm__accounts.crm_account_id)
            as account_rank
    from identity_map
    inner join stg_crm__accounts on identity_map.source_identifier = stg_crm__accounts.crm_account_id
    where identity_map.source_system = 'crm' and identity_map.match_status = 'resolved'
),

accounting_codes_ranked as (
    select
        customer_key,
        source_identifier as accounting_customer_code,
        row_number() over (partition by customer_key order by source_identifier) as code_rank
    from identity_map
    where source_system = 'accounting' and match_status = 'resolved'
),

resolved_customers as (
    select
        anchors.customer_key,
        anchors.billing_customer_id,
        anchors.customer_name,
        anchors.customer_name_kana,
        anchors.corporate_number,
        anchors.payment_terms_days,
        anchors.credit_limit,
        anchors.virtual_account_number,
        crm_accounts_ranked.crm_account_id,
        accounting_codes_ranked.accounting_customer_code,
        crm_accounts_ranked.segment,
        crm_accounts_ranked.industry,
        crm_accounts_ranked.owner_assignee_id,
        stg_crm__assignees.assignee_name as owner_assignee_name,
        stg_crm__assignees.team as owner_team,
        false as is_unresolved,
        anchors.payment_terms,
        coalesce(int_payment_terms_parsed.payment_terms_segment, '(unassigned)') as payment_terms_segment
    from anchors
    left join crm_accounts_ranked
        on anchors.customer_key = crm_accounts_ranked.customer_key and crm_accounts_ranked.account_rank = 1
    left join accounting_codes_ranked
        on anchors.customer_key = accounting_codes_ranked.customer_key and accounting_codes_ranked.code_rank = 1
    left join stg_crm__assignees on crm_accounts_ranked.owner_assignee_id = stg_crm__assignees.assignee_id
    left join int_payment_terms_parsed on anchors.billing_customer_id = int_payment_terms_parsed.billing_customer_id
),

unresolved_customer as (
    select
        {{ unresolved_customer_key() }} as customer_key,
        cast(null as {{ dbt.type_string() }}) as billing_customer_id,
        '未解決 (unresolved)' as customer_name,
        cast(null as {{ dbt.type_string() }}) as customer_name_kana,
        cast(null as {{ dbt.type_string() }}) as corporate_number,
        cast(null as {{ dbt.type_int() }}) as payment_terms_days,
        cast(null as decimal(18, 2)) as credit_limit,
        cast(null as {{ dbt.type_string() }}) as virtual_account_number,
        cast(null as {{ dbt.type_string() }}) as crm_account_id,
        cast(null as {{ dbt.type_string() }}) as accounting_customer_code,
        cast(null as {{ dbt.type_string() }}) as segment,
        cast(null as {{ dbt.type_string() }}) as industry,
        cast(null as {{ dbt.type_string() }}) as owner_assignee_id,
        cast(null as {{ dbt.type_string() }}) as owner_assignee_name,
        cast(null as {{ dbt.type_string() }}) as owner_team,
        true as is_unresolved,
        cast(null as {{ dbt.type_string() }}) as payment_terms,
        '(unassigned)' as payment_terms_segment
),

final as (
    select * from resolved_customers
    union all
    select * from unresolved_customer
)

select * from final
