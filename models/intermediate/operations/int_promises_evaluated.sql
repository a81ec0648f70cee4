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
-- kept is broken. var promise_allocation_rounds bounds the promises served per invoice (and per
-- customer); assert_promise_allocation_rounds_suffice fails when a pool holds more.
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

-- The order in which promises are served: within the invoice they name, else within the customer.
ranked_promises as (
    select
        activity_id,
        invoice_id,
        customer_key,
        promised_on_date,
        promise_date,
        promise_amount,
        case when invoice_id is not null then 'invoice' else 'customer' end as allocation_pool,
        row_number() over (
            partition by
                case when invoice_id is not null then 'invoice' else 'customer' end,
                case when invoice_id is not null then invoice_id else customer_key end
            order by promise_date, promised_at, activity_id
        ) as pool_rank
    from promises
    where invoice_id is not null or customer_key is not null
),

-- Money that stayed: a reversal and the application it reverses are both left out.
payments as (
    select
        application_id,
        invoice_id,
        customer_key,
        applied_date,
        cast(applied_amount + fee_deducted_amount as decimal(18, 2)) as remaining_0
    from int_cash_applications_resolved
    where not is_reversal and not is_reversed
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
        end as is_fulfilled
    from promises
    left join payments_in_window on promises.activity_id = payments_in_window.activity_id
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
        is_due and not is_fulfilled as is_broken
    from evaluated
)

select * from final
