-- 名寄せ: every customer identifier of every system resolved onto one customer_key, with how it was
-- decided (shared/spec/customer_key.md). Strong evidence first: corporate number, the CRM's
-- cross-references, the virtual account; a normalised name only when nothing above decides, and
-- only when it points at exactly one customer. Nothing is guessed: the rest is unresolved.
with records as (
    select * from {{ ref('int_customer_records_normalised') }}
),

-- Billing is the customer master: each billing customer anchors a customer, and billing customers
-- that share a corporate number are one customer (rule 1), anchored on the smallest id so the key
-- never depends on row order (rule 7).
billing_anchored as (
    select
        source_system,
        identifier_type,
        source_identifier,
        corporate_number,
        case
            when corporate_number is null then source_identifier
            else min(source_identifier) over (partition by corporate_number)
        end as anchor_billing_customer_id
    from records
    where source_system = 'billing'
),

billing_candidates as (
    select
        source_system,
        identifier_type,
        source_identifier,
        {{ customer_key_for('anchor_billing_customer_id') }} as customer_key,
        case when anchor_billing_customer_id = source_identifier then 'anchor' else 'corporate_number' end
            as match_method,
        0 as match_priority
    from billing_anchored
),

billing_keys as (
    select billing_anchored.source_identifier as billing_customer_id, billing_candidates.customer_key
    from billing_anchored
    inner join billing_candidates
        on billing_anchored.source_identifier = billing_candidates.source_identifier
),

corporate_number_keys as (
    select distinct billing_anchored.corporate_number, billing_keys.customer_key
    from billing_anchored
    inner join billing_keys on billing_anchored.source_identifier = billing_keys.billing_customer_id
    where billing_anchored.corporate_number is not null
),

-- Rule 1 for the other systems.
corporate_number_candidates as (
    select
        records.source_system,
        records.identifier_type,
        records.source_identifier,
        corporate_number_keys.customer_key,
        'corporate_number' as match_method,
        1 as match_priority
    from records
    inner join corporate_number_keys on records.corporate_number = corporate_number_keys.corporate_number
    where records.source_system in ('accounting', 'crm', 'legal')
),

-- Rule 2: the CRM's cross-reference to billing.
crm_xref_candidates as (
    select
        records.source_system,
        records.identifier_type,
        records.source_identifier,
        billing_keys.customer_key,
        'crm_xref' as match_method,
        2 as match_priority
    from records
    inner join billing_keys on records.xref_billing_customer_id = billing_keys.billing_customer_id
    where records.source_system = 'crm'
),

crm_strong_keys as (
    select * from corporate_number_candidates where source_system = 'crm'
    union all
    select * from crm_xref_candidates
),

-- Rule 2: the CRM's cross-reference to accounting, through a CRM account resolved on strong evidence.
accounting_xref_candidates as (
    select distinct
        'accounting' as source_system,
        'accounting_customer_code' as identifier_type,
        crm_records.xref_accounting_customer_code as source_identifier,
        crm_strong_keys.customer_key,
        'crm_xref' as match_method,
        2 as match_priority
    from records as crm_records
    inner join crm_strong_keys on crm_records.source_identifier = crm_strong_keys.source_identifier
    inner join records as accounting_records
        on
            crm_records.xref_accounting_customer_code = accounting_records.source_identifier
            and accounting_records.source_system = 'accounting'
    where crm_records.source_system = 'crm'
),

-- Rule 3: the virtual account a deposit came in on.
virtual_account_candidates as (
    select
        records.source_system,
        records.identifier_type,
        records.source_identifier,
        billing_keys.customer_key,
        'virtual_account' as match_method,
        3 as match_priority
    from records
    inner join records as billing_records
        on
            records.virtual_account_number = billing_records.virtual_account_number
            and billing_records.source_system = 'billing'
    inner join billing_keys on billing_records.source_identifier = billing_keys.billing_customer_id
    where records.identifier_type = 'virtual_account_number'
),

strong_candidates as (
    select * from billing_candidates
    union all
    select * from corporate_number_candidates
    union all
    select * from crm_xref_candidates
    union all
    select * from accounting_xref_candidates
    union all
    select * from virtual_account_candidates
),

strong_ranked as (
    select
        strong_candidates.*,
        row_number() over (
            partition by source_system, identifier_type, source_identifier
            order by match_priority, customer_key
        ) as candidate_rank
    from strong_candidates
),

strong_best as (
    select * from strong_ranked where candidate_rank = 1
),

-- The names and kana readings of customers known on strong evidence: what names are matched against.
name_index as (
    select distinct
        records.normalised_name as normalised_value, records.record_name as raw_value, strong_best.customer_key
    from records
    inner join strong_best
        on
            records.source_system = strong_best.source_system
            and records.source_identifier = strong_best.source_identifier
            and records.identifier_type = strong_best.identifier_type
    where
        records.source_system in ('billing', 'accounting', 'crm')
        and records.normalised_name is not null
    union
    select distinct records.normalised_name_kana, records.record_name_kana, strong_best.customer_key
    from records
    inner join strong_best
        on
            records.source_system = strong_best.source_system
            and records.source_identifier = strong_best.source_identifier
            and records.identifier_type = strong_best.identifier_type
    where
        records.source_system in ('billing', 'accounting', 'crm')
        and records.normalised_name_kana is not null
),

-- Each record's normalised name and kana reading as a row of its own, so that rule 4 is an equality
-- (hash) join on the normalised value: no record is compared with every name.
record_names as (
    select
        source_system,
        identifier_type,
        source_identifier,
        record_name,
        record_name_kana,
        normalised_name as normalised_value
    from records
    where normalised_name is not null
    union all
    select
        source_system,
        identifier_type,
        source_identifier,
        record_name,
        record_name_kana,
        normalised_name_kana
    from records
    where normalised_name_kana is not null
),

-- Rule 4: a normalised name or kana reading (kana remitter names meet kana readings, kanji names
-- meet names: a kana string never equals a kanji one, so one index serves both).
name_matches as (
    select
        record_names.source_system,
        record_names.identifier_type,
        record_names.source_identifier,
        name_index.customer_key,
        case
            when name_index.raw_value in (record_names.record_name, record_names.record_name_kana) then 1 else 0
        end as is_exact
    from record_names
    inner join name_index on record_names.normalised_value = name_index.normalised_value
),

name_resolution as (
    select
        source_system,
        identifier_type,
        source_identifier,
        count(distinct customer_key) as candidate_count,
        min(customer_key) as customer_key,
        max(is_exact) as has_exact_match
    from name_matches
    group by source_system, identifier_type, source_identifier
),

-- Rule 6: two records of one master system sharing a name are never told apart by that name.
same_system_name_clashes as (
    select source_system, normalised_name
    from records
    where source_system in ('accounting', 'crm') and normalised_name is not null
    group by source_system, normalised_name
    having count(*) > 1
),

first_pass as (
    select
        records.source_system,
        records.identifier_type,
        records.source_identifier,
        records.record_name,
        records.normalised_name,
        records.xref_crm_account_id,
        strong_best.customer_key as strong_customer_key,
        strong_best.match_method as strong_match_method,
        same_system_name_clashes.normalised_name is not null as has_name_clash,
        coalesce(name_resolution.candidate_count, 0) as name_candidate_count,
        name_resolution.customer_key as name_customer_key,
        name_resolution.has_exact_match
    from records
    left join strong_best
        on
            records.source_system = strong_best.source_system
            and records.identifier_type = strong_best.identifier_type
            and records.source_identifier = strong_best.source_identifier
    left join name_resolution
        on
            records.source_system = name_resolution.source_system
            and records.identifier_type = name_resolution.identifier_type
            and records.source_identifier = name_resolution.source_identifier
    left join same_system_name_clashes
        on
            records.source_system = same_system_name_clashes.source_system
            and records.normalised_name = same_system_name_clashes.normalised_name
),

decided as (
    select
        first_pass.*,
        case
            when strong_customer_key is not null then 'resolved'
            when has_name_clash then 'ambiguous_name'
            when name_candidate_count = 1 then 'resolved'
            when name_candidate_count > 1 then 'ambiguous_name'
            else 'no_match'
        end as first_pass_status,
        case
            when strong_customer_key is not null then strong_customer_key
            when not has_name_clash and name_candidate_count = 1 then name_customer_key
        end as first_pass_customer_key,
        case
            when strong_customer_key is not null then strong_match_method
            when not has_name_clash and name_candidate_count = 1
                then case when has_exact_match = 1 then 'name_exact' else 'name_normalised' end
        end as first_pass_match_method
    from first_pass
),

-- A legal case names its CRM account: after the corporate number, that account's customer decides.
legal_crm_keys as (
    select legal.source_identifier as legal_case_id, crm.first_pass_customer_key as customer_key
    from decided as legal
    inner join decided as crm
        on
            legal.xref_crm_account_id = crm.source_identifier
            and crm.source_system = 'crm'
    where
        legal.source_system = 'legal'
        and legal.strong_customer_key is null
        and crm.first_pass_status = 'resolved'
),

final as (
    select
        decided.source_system,
        decided.identifier_type,
        decided.source_identifier,
        decided.record_name,
        decided.normalised_name,
        coalesce(legal_crm_keys.customer_key, decided.first_pass_customer_key, {{ unresolved_customer_key() }})
            as customer_key,
        case when legal_crm_keys.customer_key is not null then 'crm_xref' else decided.first_pass_match_method end
            as match_method,
        case when legal_crm_keys.customer_key is not null then 'resolved' else decided.first_pass_status end
            as match_status,
        decided.name_candidate_count
    from decided
    left join legal_crm_keys
        on
            decided.source_system = 'legal'
            and decided.source_identifier = legal_crm_keys.legal_case_id
)

select * from final
