-- int_promises_evaluated serves the promises of an island (overlapping windows in one invoice, or
-- in one customer for promises naming no invoice) in at most var promise_allocation_rounds rounds; a
-- promise ranked beyond that would be evaluated on nothing. A row here names such a promise: raise
-- the var.
{%- set rounds_per_pool = var('promise_allocation_rounds', 10) | int %}

with int_promises_evaluated as (
    select * from {{ ref('int_promises_evaluated') }}
)

select
    activity_id,
    allocation_pool,
    allocation_rank
from int_promises_evaluated
where allocation_rank > {{ rounds_per_pool }}
