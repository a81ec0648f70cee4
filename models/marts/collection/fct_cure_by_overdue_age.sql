-- 延滞期間別回収率 (cure by overdue age, kpis.md aging; seed document 004 indicator 3: up to 70 % of
-- problem debt is repaid in the first two months) — per month in which invoices became overdue (the
-- day after the due date), the amount that became overdue (open at the end of the due date) and how
-- it has left since: collected 1–30, 31–90, 91–180, 181–365 and over 365 days past due (by the days
-- past due on the collection date), credited, written off, or still open on as_of_date.
-- overdue = collected (all ranges) + credited + written off + still open, per invoice and in sum.
-- Collections on or before the due date are not cure: they are already out of the overdue amount.
with int_invoice_stages_dated as (
    select * from {{ ref('int_invoice_stages_dated') }}
),

int_receivable_events_unioned as (
    select * from {{ ref('int_receivable_events_unioned') }}
),

dim_customer as (
    select * from {{ ref('dim_customer') }}
),

-- An invoice became overdue when something was still open at the end of its due date (soft stage).
overdue_invoices as (
    select
        invoice_id,
        customer_key,
        due_date,
        {{ month_start('soft_entered_date') }} as overdue_cohort_month,
        open_at_due_amount as overdue_amount
    from int_invoice_stages_dated
    where soft_entered_date is not null
),

events_after_due as (
    select
        overdue_invoices.invoice_id,
        int_receivable_events_unioned.ledger_axis,
        {{ days_between('overdue_invoices.due_date', 'int_receivable_events_unioned.event_date') }} as days_past_due,
        -1 * int_receivable_events_unioned.open_amount_effect as reduction_amount
    from overdue_invoices
    inner join int_receivable_events_unioned
        on
            overdue_invoices.invoice_id = int_receivable_events_unioned.invoice_id
            and int_receivable_events_unioned.event_date > overdue_invoices.due_date
),

-- Collections (the collection axis) are cash applied net of reversals, plus fees deducted: the debt
-- a deducted fee settles is gone. After the due date the incurrence axis holds only credit notes.
invoice_reductions as (
    select
        invoice_id,
        sum(case when ledger_axis = 'collection' and days_past_due between 1 and 30 then reduction_amount else 0 end)
            as collected_1_30_amount,
        sum(case when ledger_axis = 'collection' and days_past_due between 31 and 90 then reduction_amount else 0 end)
            as collected_31_90_amount,
        sum(case when ledger_axis = 'collection' and days_past_due between 91 and 180 then reduction_amount else 0 end)
            as collected_91_180_amount,
        sum(case when ledger_axis = 'collection' and days_past_due between 181 and 365 then reduction_amount else 0 end)
            as collected_181_365_amount,
        sum(case when ledger_axis = 'collection' and days_past_due > 365 then reduction_amount else 0 end)
            as collected_over_365_amount,
        sum(case when ledger_axis = 'collection' and days_past_due <= 60 then reduction_amount else 0 end)
            as collected_within_60_days_amount,
        sum(case when ledger_axis = 'incurrence' then reduction_amount else 0 end) as credited_amount,
        sum(case when ledger_axis = 'write_off' then reduction_amount else 0 end) as written_off_amount
    from events_after_due
    group by invoice_id
),

invoice_cures as (
    select
        overdue_invoices.overdue_cohort_month,
        coalesce(dim_customer.owner_team, '(unassigned)') as owner_team,
        coalesce(dim_customer.segment, '(unassigned)') as segment,
        overdue_invoices.overdue_amount,
        coalesce(invoice_reductions.collected_1_30_amount, 0) as collected_1_30_amount,
        coalesce(invoice_reductions.collected_31_90_amount, 0) as collected_31_90_amount,
        coalesce(invoice_reductions.collected_91_180_amount, 0) as collected_91_180_amount,
        coalesce(invoice_reductions.collected_181_365_amount, 0) as collected_181_365_amount,
        coalesce(invoice_reductions.collected_over_365_amount, 0) as collected_over_365_amount,
        coalesce(invoice_reductions.collected_within_60_days_amount, 0) as collected_within_60_days_amount,
        coalesce(invoice_reductions.credited_amount, 0) as credited_amount,
        coalesce(invoice_reductions.written_off_amount, 0) as written_off_amount
    from overdue_invoices
    inner join dim_customer on overdue_invoices.customer_key = dim_customer.customer_key
    left join invoice_reductions on overdue_invoices.invoice_id = invoice_reductions.invoice_id
),

cohorts as (
    select
        overdue_cohort_month,
        owner_team,
        segment,
        count(*) as overdue_invoice_count,
        sum(overdue_amount) as overdue_amount,
        sum(collected_1_30_amount) as collected_1_30_amount,
        sum(collected_31_90_amount) as collected_31_90_amount,
        sum(collected_91_180_amount) as collected_91_180_amount,
        sum(collected_181_365_amount) as collected_181_365_amount,
        sum(collected_over_365_amount) as collected_over_365_amount,
        sum(collected_within_60_days_amount) as collected_within_60_days_amount,
        sum(credited_amount) as credited_amount,
        sum(written_off_amount) as written_off_amount
    from invoice_cures
    group by overdue_cohort_month, owner_team, segment
),

with_still_open as (
    select
        cohorts.*,
        overdue_amount - collected_1_30_amount - collected_31_90_amount - collected_91_180_amount
        - collected_181_365_amount - collected_over_365_amount - credited_amount - written_off_amount
            as still_open_amount
    from cohorts
),

final as (
    select
        overdue_cohort_month,
        owner_team,
        segment,
        overdue_invoice_count,
        overdue_amount,
        collected_1_30_amount,
        collected_31_90_amount,
        collected_91_180_amount,
        collected_181_365_amount,
        collected_over_365_amount,
        collected_within_60_days_amount,
        credited_amount,
        written_off_amount,
        still_open_amount,
        {{ ratio('collected_1_30_amount', 'overdue_amount', 100) }} as collected_1_30_pct,
        {{ ratio('collected_31_90_amount', 'overdue_amount', 100) }} as collected_31_90_pct,
        {{ ratio('collected_91_180_amount', 'overdue_amount', 100) }} as collected_91_180_pct,
        {{ ratio('collected_181_365_amount', 'overdue_amount', 100) }} as collected_181_365_pct,
        {{ ratio('collected_over_365_amount', 'overdue_amount', 100) }} as collected_over_365_pct,
        {{ ratio('collected_within_60_days_amount', 'overdue_amount', 100) }} as collected_within_60_days_pct,
        {{ ratio('credited_amount', 'overdue_amount', 100) }} as credited_pct,
        {{ ratio('written_off_amount', 'overdue_amount', 100) }} as written_off_pct,
        {{ ratio('still_open_amount', 'overdue_amount', 100) }} as still_open_pct
    from with_still_open
)

select * from final
