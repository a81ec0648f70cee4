-- 経過: the rows of legal/events that keep the landing contract.
with base_events as (
    select * from {{ ref('base_legal__events') }}
),

valid as (
    select
        legal_case_id,
        event_date,
        event_type,
        stage as legal_stage,
        cost as event_cost
    from base_events
    where rejection_reason is null
)

select * from valid
