-- Every record that names a customer, from every system, with its name normalised for 名寄せ
-- (shared/spec/customer_key.md, rule 4). One row per (source_system, identifier_type, source_identifier).
with stg_billing__customers as (
    select * from {{ ref('stg_billing__customers') }}
),

stg_accounting__customers as (
    select * from {{ ref('stg_accounting__customers') }}
),

stg_crm__accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

stg_bank__transactions as (
    select * from {{ ref('stg_bank__transactions') }}
),

stg_legal__cases as (
    select * from {{ ref('stg_legal__cases') }}
),

billing_records as (
    select
        'billing' as source_system,
        'billing_customer_id' as identifier_type,
        billing_customer_id as source_identifier,
        customer_name as record_name,
        customer_name_kana as record_name_kana,
        corporate_number,
        billing_customer_id as xref_billing_customer_id,
        cast(null as {{ dbt.type_string() }}) as xref_accounting_customer_code,
        cast(null as {{ dbt.type_string() }}) as xref_crm_account_id,
        virtual_account_number
    from stg_billing__customers
),

accounting_records as (
    select
        'accounting' as source_system,
        'accounting_customer_code' as identifier_type,
        accounting_customer_code as source_identifier,
        customer_name as record_name,
        cast(null as {{ dbt.type_string() }}) as record_name_kana,
        corporate_number,
        cast(null as {{ dbt.type_string() }}) as xref_billing_customer_id,
        accounting_customer_code as xref_accounting_customer_code,
        cast(null as {{ dbt.type_string() }}) as xref_crm_account_id,
        cast(null as {{ dbt.type_string() }}) as virtual_account_number
    from stg_accounting__customers
),

crm_records as (
    select
        'crm' as source_system,
        'crm_account_id' as identifier_type,
        crm_account_id as source_identifier,
        account_name as record_name,
        account_name_kana as record_name_kana,
        corporate_number,
        billing_customer_id as xref_billing_customer_id,
        accounting_customer_code as xref_accounting_customer_code,
        crm_account_id as xref_crm_account_id,
        cast(null as {{ dbt.type_string() }}) as virtual_account_number
    from stg_crm__accounts
),

-- The bank identifies a deposit by the remitter name as received, and by the virtual account.
deposits as (
    select remitter_name, virtual_account_number
    from stg_bank__transactions
    where transaction_amount > 0
),

remitter_records as (
    select distinct
        'bank' as source_system,
        'remitter_name' as identifier_type,
        remitter_name as source_identifier,
        remitter_name as record_name,
        cast(null as {{ dbt.type_string() }}) as record_name_kana,
        cast(null as {{ dbt.type_string() }}) as corporate_number,
        cast(null as {{ dbt.type_string() }}) as xref_billing_customer_id,
        cast(null as {{ dbt.type_string() }}) as xref_accounting_customer_code,
        cast(null as {{ dbt.type_string() }}) as xref_crm_account_id,
        cast(null as {{ dbt.type_string() }}) as virtual_account_number
    from deposits
    where remitter_name is not null
),

virtual_account_records as (
    select distinct
        'bank' as source_system,
        'virtual_account_number' as identifier_type,
        virtual_account_number as source_identifier,
        cast(null as {{ dbt.type_string() }}) as record_name,
        cast(null as {{ dbt.type_string() }}) as record_name_kana,
        cast(null as {{ dbt.type_string() }}) as corporate_number,
        cast(null as {{ dbt.type_string() }}) as xref_billing_customer_id,
        cast(null as {{ dbt.type_string() }}) as xref_accounting_customer_code,
        cast(null as {{ dbt.type_string() }}) as xref_crm_account_id,
        virtual_account_number
    from deposits
    where virtual_account_number is not null
),

legal_records as (
    select
        'legal' as source_system,
        'legal_case_id' as identifier_type,
        legal_case_id as source_identifier,
        debtor_name as record_name,
        cast(null as {{ dbt.type_string() }}) as record_name_kana,
        debtor_corporate_number as corporate_number,
        cast(null as {{ dbt.type_string() }}) as xref_billing_customer_id,
        cast(null as {{ dbt.type_string() }}) as xref_accounting_customer_code,
        crm_account_id as xref_crm_account_id,
        cast(null as {{ dbt.type_string() }}) as virtual_account_number
    from stg_legal__cases
),

unioned as (
    select * from billing_records
    union all
    select * from accounting_records
    union all
    select * from crm_records
    union all
    select * from remitter_records
    union all
    select * from virtual_account_records
    union all
    select * from legal_records
),

-- Rule 4's normalisation is a long chain of replaces: run it once per distinct name or reading,
-- not once per record (the same company name recurs across systems and deposits).
distinct_names as (
    select record_name as name_text from unioned where record_name is not null
    union
    select record_name_kana from unioned where record_name_kana is not null
),

names_normalised as (
    select
        name_text,
        {{ normalise_name('name_text') }} as normalised_text
    from distinct_names
),

final as (
    select
        unioned.source_system,
        unioned.identifier_type,
        unioned.source_identifier,
        unioned.record_name,
        unioned.record_name_kana,
        names.normalised_text as normalised_name,
        kana.normalised_text as normalised_name_kana,
        unioned.corporate_number,
        unioned.xref_billing_customer_id,
        unioned.xref_accounting_customer_code,
        unioned.xref_crm_account_id,
        unioned.virtual_account_number
    from unioned
    left join names_normalised as names on unioned.record_name = names.name_text
    left join names_normalised as kana on unioned.record_name_kana = kana.name_text
)

select * from final
