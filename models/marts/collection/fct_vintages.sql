-- ビンテージ分析 (vintage, kpis.md aging) — the invoices incurred in month M (their invoice_date month)
-- followed at every month-end M+0, M+1, … up to the as-of month: cumulative collected (cash applied net
-- of reversals), fees deducted, written off, and still open; incurrence × collection × write-off in
-- one table. Credit notes stay with their original invoice's vintage and are netted into
-- incurred_amount as they are dated, so at every month-end
-- incurred = collected + fees deducted + written off + open (tested, assert_vintages_balance: the flows
-- are running sums of monthly event flows, the open amount comes from the fct_aging snapshots).
with int_invoices_resolved as (
    select * from {{ ref('int_invoices_resolved') }}
),

int_receivable_events_unioned as (
    select * from {{ ref('int_receivable_events_unioned') }}
),

int_months_spanned as (
    select * from {{ ref('int_months_spanned') }}
),

fct_aging as (
    select * from {{ ref('fct_aging') }}
),

dim_customer as (
    select * from {{ ref('dim_customer') }}
),

-- Each receivable (an invoice, or a credit note that names no invoice) and its vintage.
receivables as (
    select
        int_invoices_resolved.invoice_id,
        {{ month_start('int_invoices_resolved.invoice_date') }} as incurrence_month,
        coalesce(dim_customer.owner_team, '(unassigned)') as owner_team,
        coalesce(dim_customer.segment, '(unassigned)') as segment
    from int_invoices_resolved
    inner join dim_customer on int_invoices_resolved.customer_key = dim_customer.customer_key
    where int_invoices_resolved.invoice_id = int_invoices_resolved.receivable_invoice_id
),

vintage_sizes as (
    select incurrence_month, owner_team, segment, count(*) as invoice_count
    from receivables
    group by incurrence_month, owner_team, segment
),

-- An event dated before its vintage's month (a credit note or payment ahead of the invoice) counts
-- from the vintage's first month-end.
dated_events as (
    select
        receivables.incurrence_month,
        receivables.owner_team,
        receivables.segment,
        case
            when
                int_receivable_events_unioned.event_date < receivables.incurrence_month
                then receivables.incurrence_month
            else {{ month_start('int_receivable_events_unioned.event_date') }}
        end as flow_month,
        int_receivable_events_unioned.ledger_axis,
        int_receivable_events_unioned.event_type,
        int_receivable_events_unioned.open_amount_effect
    from receivables
    inner join int_receivable_events_unioned on receivables.invoice_id = int_receivable_events_unioned.invoice_id
),

monthly_flows as (
    select
        incurrence_month,
        owner_team,
        segment,
        flow_month,
        sum(case when ledger_axis = 'incurrence' then open_amount_effect else 0 end) as incurred_amount,
        -1
        * sum(case when ledger_axis = 'collection' and event_type <> 'fee_deducted' then open_amount_effect else 0 end)
            as collected_amount,
        -1 * sum(case when event_type = 'fee_deducted' then open_amount_effect else 0 end) as fees_deducted_amount,
        -1 * sum(case when ledger_axis = 'write_off' then open_amount_effect else 0 end) as written_off_amount
    from dated_events
    group by incurrence_month, owner_team, segment, flow_month
),

grid as (
    select
        vintage_sizes.incurrence_month,
        vintage_sizes.owner_team,
        vintage_sizes.segment,
        vintage_sizes.invoice_count,
        int_months_spanned.month_start,
        int_months_spanned.month_end_date,
        int_months_spanned.is_month_in_progress
    from vintage_sizes
    inner join int_months_spanned on vintage_sizes.incurrence_month <= int_months_spanned.month_start
),

cumulative as (
    select
        grid.incurrence_month,
        grid.owner_team,
        grid.segment,
        grid.invoice_count,
        grid.month_start,
        grid.month_end_date,
        grid.is_month_in_progress,
        sum(coalesce(monthly_flows.incurred_amount, 0)) over (
            partition by grid.incurrence_month, grid.owner_team, grid.segment order by grid.month_start
            rows between unbounded preceding and current row
        ) as incurred_amount,
        sum(coalesce(monthly_flows.collected_amount, 0)) over (
            partition by grid.incurrence_month, grid.owner_team, grid.segment order by grid.month_start
            rows between unbounded preceding and current row
        ) as cumulative_collected_amount,
        sum(coalesce(monthly_flows.fees_deducted_amount, 0)) over (
            partition by grid.incurrence_month, grid.owner_team, grid.segment order by grid.month_start
            rows between unbounded preceding and current row
        ) as cumulative_fees_deducted_amount,
        sum(coalesce(monthly_flows.written_off_amount, 0)) over (
            partition by grid.incurrence_month, grid.owner_team, grid.segment order by grid.month_start
            rows between unbounded preceding and current row
        ) as cumulative_written_off_amount
    from grid
    left join monthly_flows
        on
            grid.incurrence_month = monthly_flows.incurrence_month
            and grid.owner_team = monthly_flows.owner_team
            and grid.segment = monthly_flows.segment
            and grid.month_start = monthly_flows.flow_month
),

-- Open amounts read from the aging snapshots (month-ends, and as_of_date for the month in
-- progress), not derived from the flows, so that the balance identity is a real check.
month_end_open as (
    select
        receivables.incurrence_month,
        receivables.owner_team,
        receivables.segment,
        int_months_spanned.month_start,
        sum(fct_aging.open_amount) as open_amount
    from fct_aging
    inner join int_months_spanned on fct_aging.as_of_date = int_months_spanned.period_end_date
    inner join receivables on fct_aging.invoice_id = receivables.invoice_id
    group by receivables.incurrence_month, receivables.owner_team, receivables.segment, int_months_spanned.month_start
),

with_open as (
    select
        cumulative.*,
        coalesce(month_end_open.open_amount, 0) as open_amount
    from cumulative
    left join month_end_open
        on
            cumulative.incurrence_month = month_end_open.incurrence_month
            and cumulative.owner_team = month_end_open.owner_team
            and cumulative.segment = month_end_open.segment
            and cumulative.month_start = month_end_open.month_start
),

final as (
    select
        incurrence_month,
        cast({{ dbt.datediff('incurrence_month', 'month_start', 'month') }} as integer) as months_since_incurrence,  -- noqa: LT05
        month_end_date,
        is_month_in_progress,
        owner_team,
        segment,
        invoice_count,
        incurred_amount,
        cumulative_collected_amount,
        cumulative_fees_deducted_amount,
        cumulative_written_off_amount,
        open_amount,
        {{ ratio('cumulative_collected_amount', 'incurred_amount', 100) }} as collected_pct,
        {{ ratio('cumulative_fees_deducted_amount', 'incurred_amount', 100) }} as fees_deducted_pct,
        {{ ratio('cumulative_written_off_amount', 'incurred_amount', 100) }} as written_off_pct,
        {{ ratio('open_amount', 'incurred_amount', 100) }} as open_pct
    from with_open
)

select * from final
