-- Columns written by Jinja loops: layout (LT02) unchecked, see .sqlfluff.
-- noqa: disable=LT02
-- One row per promise to pay (約束) recorded by the as-of date, with what was paid against it.
-- A promise is kept when the payments allocated to it reach the promised amount. Each payment is
-- allocated once, so one yen never keeps two promises: a payment (an application that is neither a
-- reversal nor reversed, plus a transfer fee the customer deducted, 振込手数料, which settles the
-- invoice as agreed) can serve a promise when it is dated between the day of the promise and the
-- promised date (both inclusive) and lies on the promised invoice, or on any of the customer's
-- invoices when the promise names none. Promises are served in rounds: first those that name an
-- invoice, in order of promised date, time taken and id within the invoice; then those that name
-- none, in the same order within the customer, from what is left. Each takes, from the payments it
-- can use, oldest first, what is left of them up to its promised amount (all that is left when it
-- names no amount). A promise is due once its date is on or before the as-of date; due and not
-- kept is broken. Promises whose windows do not overlap share no payment, so a pool is cut into
-- islands of overlapping windows and only promises of one island wait for each other: the round of
-- a promise is its rank within its island. var promise_allocation_rounds bounds the rounds per pool
-- kind; assert_promise_allocation_rounds_suffice fails when an island holds more.
{%- set rounds_per_pool = var('promise_allocation_rounds', 10) | int %}
{%- set pool_keys = {'invoice': 'invoice_id', 'customer': 'customer_key'} %}
{%- set rounds = [] %}
{%- for pool in ['invoice', 'customer'] %}
    {%- for pool_rank in range(1, rounds_per_pool + 1) %}
        {%- do rounds.append((rounds | length + 1, pool, pool_rank)) %}
    {%- endfor %}
{%- endfor %}

with stg_crm__activities as (
    select * from {{ ref('stg_crm__activities') }}
),

int_customer_identifiers_resolved as (
    select * from {{ ref('int_customer_identifiers_resolved') }}
),

int_cash_applications_resolved as (
    select * from {{ ref('int_cash_applications_resolved') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

crm_customers as (
    select
        source_identifier as crm_account_id,
        customer_key
    from int_customer_identifiers_resolved
    where source_system = 'crm' and match_status = 'resolved'
),

promises as (
    select
        stg_crm__activities.activity_id,
        stg_crm__activities.assignee_id,
        stg_crm__activities.crm_account_id,
        crm_customers.customer_key,
        stg_crm__activities.invoice_id,
        stg_crm__activities.activity_at as promised_at,
        cast(stg_crm__activities.activity_at as date) as promised_on_date,
        stg_crm__activities.promise_date,
        stg_crm__activities.promise_amount,
        int_reporting_dates.as_of_date
    from stg_crm__activities
    cross join int_reporting_dates
    left join crm_customers on stg_crm__activities.crm_account_id = crm_customers.crm_account_id
    where
        stg_crm__activities.outcome = 'promise_to_pay'
        and stg_crm__activities.promise_date is not null
        and cast(stg_crm__activities.activity_at as date) <= int_reporting_dates.as_of_date
),

pooled_promises as (
    select
        activity_id,
        invoice_id,
        customer_key,
        promised_at,
        promised_on_date,
        promise_date,
        promise_amount,
        case when invoice_id is not null then 'invoice' else 'customer' end as allocation_pool,
        coalesce(invoice_id, customer_key) as pool_id
    from promises
    where invoice_id is not null or customer_key is not null
),

-- Islands: taken in order of window start, a promise opens a new island when its window starts after
-- every earlier window of its pool has ended.
windows_ordered as (
    select
        pooled_promises.*,
        max(promise_date) over (
            partition by allocation_pool, pool_id
            order by promised_on_date, promise_date, activity_id
            rows between unbounded preceding and 1 preceding
        ) as earlier_windows_end
    from pooled_promises
),

islands as (
    select
        windows_ordered.*,
        sum(case when earlier_windows_end is null or promised_on_date > earlier_windows_end then 1 else 0 end) over (
            partition by allocation_pool, pool_id
            order by promised_on_date, promise_date, activity_id
            rows between unbounded preceding and current row
        ) as island_number
    from windows_ordered
),

-- The order in which promises are served within their island (the pool's order: the invoice they
-- name, else the customer).
ranked_promises as (
    select
        activity_id,
        invoice_id,
        customer_key,
        promised_on_date,
        promise_date,
        promise_amount,
        allocation_pool,
        row_number() over (
            partition by allocation_pool, pool_id, island_number
            order by promise_date, promised_at, activity_id
        ) as pool_rank
    from islands
),

-- Money that stayed: a reversal and the application it reverses are both left out.
stayed_payments as (
    select
        application_id,
        invoice_id,
        customer_key,
        applied_date,
        cast(applied_amount + fee_deducted_amount as decimal(18, 2)) as remaining_0
    from int_cash_applications_resolved
    where not is_reversal and not is_reversed
),

-- Only a payment inside some promise's window can be allocated: the rounds run over those alone.
eligible_application_ids as (
    {%- for pool, pool_key in pool_keys.items() %}
    select stayed_payments.application_id
    from stayed_payments
    inner join ranked_promises
        on
            stayed_payments.{{ pool_key }} = ranked_promises.{{ pool_key }}
            and ranked_promises.allocation_pool = '{{ pool }}'
            and stayed_payments.applied_date >= ranked_promises.promised_on_date
            and stayed_payments.applied_date <= ranked_promises.promise_date
    {%- if not loop.last %}
    union
    {%- endif %}
    {%- endfor %}
),

payments as (
    select stayed_payments.*
    from stayed_payments
    inner join eligible_application_ids on stayed_payments.application_id = eligible_application_ids.application_id
),
{%- for round_no, pool, pool_rank in rounds %}
{%- set previous = 'payments' if round_no == 1 else 'round_' ~ (round_no - 1) %}

-- Round {{ round_no }}: the promise ranked {{ pool_rank }} of each {{ pool }} takes from what is left.
eligible_{{ round_no }} as (
    select
        {{ previous }}.*,
        ranked_promises.activity_id as activity_id_{{ round_no }},
        ranked_promises.promise_amount as promise_amount_{{ round_no }},
        sum({{ previous }}.remaining_{{ round_no - 1 }}) over (
            partition by ranked_promises.activity_id
            order by {{ previous }}.applied_date, {{ previous }}.application_id
            rows between unbounded preceding and 1 preceding
        ) as taken_before_{{ round_no }}
    from {{ previous }}
    left join ranked_promises
        on
            {{ previous }}.{{ pool_keys[pool] }} = ranked_promises.{{ pool_keys[pool] }}
            and ranked_promises.allocation_pool = '{{ pool }}'
            and ranked_promises.pool_rank = {{ pool_rank }}
            and {{ previous }}.applied_date >= ranked_promises.promised_on_date
            and {{ previous }}.applied_date <= ranked_promises.promise_date
),

round_{{ round_no }} as (
    select
        allocated.*,
        cast(allocated.remaining_{{ round_no - 1 }} - allocated.allocated_{{ round_no }} as decimal(18, 2))
            as remaining_{{ round_no }}
    from (
        select
            eligible_{{ round_no }}.*,
            cast(case
                when eligible_{{ round_no }}.activity_id_{{ round_no }} is null then 0
                else least(
                    eligible_{{ round_no }}.remaining_{{ round_no - 1 }},
                    greatest(
                        coalesce(
                            eligible_{{ round_no }}.promise_amount_{{ round_no }}
                            - coalesce(eligible_{{ round_no }}.taken_before_{{ round_no }}, 0),
                            eligible_{{ round_no }}.remaining_{{ round_no - 1 }}
                        ),
                        0
                    )
                )
            end as decimal(18, 2)) as allocated_{{ round_no }}
        from eligible_{{ round_no }}
    ) as allocated
),
{%- endfor %}

allocation_rounds as (
    {%- for round_no, pool, pool_rank in rounds %}
    select {{ round_no }} as round_no
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- One row per payment and round, read back from the last round, which carries every round's columns.
allocations as (
    select
        case allocation_rounds.round_no
            {%- for round_no, pool, pool_rank in rounds %}
            when {{ round_no }} then round_{{ rounds | length }}.activity_id_{{ round_no }}
            {%- endfor %}
        end as activity_id,
        case allocation_rounds.round_no
            {%- for round_no, pool, pool_rank in rounds %}
            when {{ round_no }} then round_{{ rounds | length }}.allocated_{{ round_no }}
            {%- endfor %}
        end as allocated_amount
    from round_{{ rounds | length }}
    cross join allocation_rounds
),

payments_in_window as (
    select
        activity_id,
        sum(allocated_amount) as paid_amount
    from allocations
    where activity_id is not null
    group by activity_id
),

evaluated as (
    select
        promises.*,
        coalesce(payments_in_window.paid_amount, 0) as paid_amount,
        promises.promise_date <= promises.as_of_date as is_due,
        case
            when promises.promise_amount is null then coalesce(payments_in_window.paid_amount, 0) > 0
            else coalesce(payments_in_window.paid_amount, 0) >= promises.promise_amount
        end as is_fulfilled,
        ranked_promises.allocation_pool,
        ranked_promises.pool_rank as allocation_rank
    from promises
    left join payments_in_window on promises.activity_id = payments_in_window.activity_id
    left join ranked_promises on promises.activity_id = ranked_promises.activity_id
),

final as (
    select
        activity_id,
        assignee_id,
        crm_account_id,
        customer_key,
        invoice_id,
        promised_at,
        promised_on_date,
        promise_date,
        cast(promise_amount as decimal(18, 2)) as promise_amount,
        cast(paid_amount as decimal(18, 2)) as paid_amount,
        is_due,
        is_due and is_fulfilled as is_kept,
        is_due and not is_fulfilled as is_broken,
        allocation_pool,
        allocation_rank
    from evaluated
)

select * from final
