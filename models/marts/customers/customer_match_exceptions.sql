-- 名寄せ例外 — identifiers that could not be resolved to exactly one customer (ambiguous_name,
-- no_match), never guessed; each is a matching error. Deposits carry the money they hold back.
with identity_map as (
    select * from {{ ref('int_customer_identifiers_resolved') }}
),

deposits as (
    select * from {{ ref('int_deposits_resolved') }}
),

unresolved_deposits_by_remitter as (
    select
        remitter_name,
        count(*) as deposit_count,
        sum(deposit_amount) as deposit_amount
    from deposits
    where match_status <> 'resolved'
    group by remitter_name
),

final as (
    select
        identity_map.source_system,
        identity_map.source_identifier,
        identity_map.identifier_type,
        identity_map.match_status as reason,
        identity_map.record_name,
        identity_map.normalised_name,
        identity_map.name_candidate_count,
        coalesce(unresolved_deposits_by_remitter.deposit_count, 0) as unresolved_deposit_count,
        coalesce(unresolved_deposits_by_remitter.deposit_amount, 0) as unresolved_deposit_amount
    from identity_map
    left join unresolved_deposits_by_remitter
        on
            identity_map.identifier_type = 'remitter_name'
            and identity_map.source_identifier = unresolved_deposits_by_remitter.remitter_name
    where identity_map.match_status <> 'resolved'
)

select * from final
