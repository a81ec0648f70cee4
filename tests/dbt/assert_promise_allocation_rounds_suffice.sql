-- int_promises_evaluated allocates payments to at most var promise_allocation_rounds promises per
-- invoice (and per customer for promises naming no invoice); a promise beyond that would be
-- evaluated on nothing. A row here names a pool that needs more rounds: raise the var.
{%- set rounds_per_pool = var('promise_allocation_rounds', 10) | int %}

with int_promises_evaluated as (
    select * from {{ ref('int_promises_evaluated') }}
),

pools as (
    select
        case when invoice_id is not null then 'invoice' else 'customer' end as allocation_pool,
        coalesce(invoice_id, customer_key) as pool_id,
        count(*) as promise_count
    from int_promises_evaluated
    where invoice_id is not null or customer_key is not null
    group by
        case when invoice_id is not null then 'invoice' else 'customer' end,
        coalesce(invoice_id, customer_key)
)

select *
from pools
where promise_count > {{ rounds_per_pool }}
