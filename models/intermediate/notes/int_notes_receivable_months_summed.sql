-- Per month of int_months_spanned: the notes ledger's flows (received, collected, discounted,
-- endorsed, dishonoured, discount fees) and its balance at the period end, split by note type; the
-- receivable ledger's ending AR (売掛金) and net credit sales, the parts of DSO; and the general
-- ledger's notes_receivable balance, to tie the notes ledger to. fct_notes_receivable_monthly adds the
-- two DSOs.
with int_note_events_unioned as (
    select * from {{ ref('int_note_events_unioned') }}
),

int_customer_months_rolled as (
    select * from {{ ref('int_customer_months_rolled') }}
),

int_gl_balances_monthly as (
    select * from {{ ref('int_gl_balances_monthly') }}
),

int_months_spanned as (
    select * from {{ ref('int_months_spanned') }}
),

note_flows as (
    select
        {{ month_start('event_date') }} as month_start,
        sum(case when event_type = 'received' then notes_receivable_effect else 0 end) as notes_received_amount,
        -1 * sum(case when event_type = 'collected' then notes_receivable_effect else 0 end) as notes_collected_amount,
        -1 * sum(case when event_type = 'discounted' then notes_receivable_effect else 0 end)
            as notes_discounted_amount,
        -1 * sum(case when event_type = 'endorsed' then notes_receivable_effect else 0 end) as notes_endorsed_amount,
        -1 * sum(case when event_type = 'dishonoured' then notes_receivable_effect else 0 end)
            as notes_dishonoured_amount,
        sum(discount_fee_amount) as discount_fee_amount,
        sum(case when note_type = 'promissory' then notes_receivable_effect else 0 end) as promissory_change_amount,
        sum(case when note_type = 'densai' then notes_receivable_effect else 0 end) as densai_change_amount
    from int_note_events_unioned
    group by {{ month_start('event_date') }}
),

receivable_parts as (
    select
        month_start,
        sum(ending_ar) as ending_ar_amount,
        sum(net_credit_sales) as net_credit_sales_amount
    from int_customer_months_rolled
    group by month_start
),

gl_notes as (
    select month_start, ending_balance_amount
    from int_gl_balances_monthly
    where account_category = 'notes_receivable'
),

grid as (
    select
        int_months_spanned.month_start,
        int_months_spanned.period_end_date,
        int_months_spanned.days_in_period,
        int_months_spanned.is_month_in_progress,
        cast(coalesce(receivable_parts.ending_ar_amount, 0) as decimal(38, 2)) as ending_ar_amount,
        cast(coalesce(receivable_parts.net_credit_sales_amount, 0) as decimal(38, 2)) as net_credit_sales_amount,
        cast(coalesce(note_flows.notes_received_amount, 0) as decimal(38, 2)) as notes_received_amount,
        cast(coalesce(note_flows.notes_collected_amount, 0) as decimal(38, 2)) as notes_collected_amount,
        cast(coalesce(note_flows.notes_discounted_amount, 0) as decimal(38, 2)) as notes_discounted_amount,
        cast(coalesce(note_flows.notes_endorsed_amount, 0) as decimal(38, 2)) as notes_endorsed_amount,
        cast(coalesce(note_flows.notes_dishonoured_amount, 0) as decimal(38, 2)) as notes_dishonoured_amount,
        cast(coalesce(note_flows.discount_fee_amount, 0) as decimal(38, 2)) as discount_fee_amount,
        coalesce(note_flows.promissory_change_amount, 0) as promissory_change_amount,
        coalesce(note_flows.densai_change_amount, 0) as densai_change_amount,
        cast(gl_notes.ending_balance_amount as decimal(38, 2)) as gl_ending_notes_receivable_amount
    from int_months_spanned
    left join receivable_parts
        on int_months_spanned.month_start = receivable_parts.month_start
    left join note_flows
        on int_months_spanned.month_start = note_flows.month_start
    left join gl_notes
        on int_months_spanned.month_start = gl_notes.month_start
),

rolled as (
    select
        grid.*,
        sum(promissory_change_amount) over (order by month_start rows between unbounded preceding and current row)
            as ending_promissory_amount,
        sum(densai_change_amount) over (order by month_start rows between unbounded preceding and current row)
            as ending_densai_amount
    from grid
),

final as (
    select
        month_start,
        period_end_date,
        days_in_period,
        is_month_in_progress,
        ending_ar_amount,
        cast(ending_promissory_amount + ending_densai_amount as decimal(38, 2)) as ending_notes_receivable_amount,
        cast(ending_promissory_amount as decimal(38, 2)) as ending_promissory_amount,
        cast(ending_densai_amount as decimal(38, 2)) as ending_densai_amount,
        net_credit_sales_amount,
        notes_received_amount,
        notes_collected_amount,
        notes_discounted_amount,
        notes_endorsed_amount,
        notes_dishonoured_amount,
        discount_fee_amount,
        gl_ending_notes_receivable_amount
    from rolled
)

select * from final
