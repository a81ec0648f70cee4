-- 名寄せ台帳 — every customer identifier seen in any source, the customer it resolves to, and why.
with resolved as (
    select * from {{ ref('int_customer_identifiers_resolved') }}
),

final as (
    select
        source_system,
        source_identifier,
        identifier_type,
        customer_key,
        match_method,
        match_status,
        record_name,
        normalised_name,
        name_candidate_count
    from resolved
)

select * from final
