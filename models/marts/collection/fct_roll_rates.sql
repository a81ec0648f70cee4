-- ロールレート (roll rate, kpis.md aging; seed document 004 indicator 3) — for each pair of consecutive
-- month-ends M → M+1 and each aging bucket at M: the balance in the bucket at M, and where those same
-- invoices' balances sit at M+1: one bucket later (rolled forward), more than one bucket later (rolled
-- beyond: a 31-day month can carry a 30-day bucket past the next one), the same bucket (stayed), an
-- earlier bucket (rolled back), or gone (nothing open at M+1), plus what was paid down on invoices
-- still open. A balance that is gone is split by how it closed: written off in (M, M+1] is charged
-- off, credit notes in it are credited, and the rest (cash and fees, net of reversals) is cured.
-- Grain: transition × from-bucket × owner team × segment; every part is additive and
-- from_bucket_amount = cured + credited + charged_off + paid_down + stayed + rolled_forward
-- + rolled_beyond + rolled_back.
with fct_aging as (
    select * from {{ ref('fct_aging') }}
),

aging_buckets as (
    select * from {{ ref('aging_buckets') }}
),

int_months_spanned as (
    select * from {{ ref('int_months_spanned') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

int_receivable_events_unioned as (
    select * from {{ ref('int_receivable_events_unioned') }}
),

-- "One bucket later" follows the seed's sort order, whatever numbers it uses.
bucket_ranks as (
    select
        aging_bucket,
        sort_order as aging_bucket_order,
        row_number() over (order by sort_order) as bucket_rank
    from aging_buckets
),

-- Consecutive month-ends from the calendar (no interval arithmetic), both on or before as_of_date.
month_end_pairs as (
    select
        month_end_date as from_month_end_date,
        lead(month_end_date) over (order by month_start) as to_month_end_date
    from int_months_spanned
),

transitions as (
    select
        month_end_pairs.from_month_end_date,
        month_end_pairs.to_month_end_date
    from month_end_pairs
    cross join int_reporting_dates
    where month_end_pairs.to_month_end_date <= int_reporting_dates.as_of_date
),

month_end_balances as (
    select
        fct_aging.as_of_date as month_end_date,
        fct_aging.invoice_id,
        coalesce(fct_aging.owner_team, '(unassigned)') as owner_team,
        coalesce(fct_aging.segment, '(unassigned)') as segment,
        fct_aging.aging_bucket,
        bucket_ranks.aging_bucket_order,
        bucket_ranks.bucket_rank,
        fct_aging.open_amount
    from fct_aging
    inner join bucket_ranks on fct_aging.aging_bucket = bucket_ranks.aging_bucket
    where fct_aging.is_month_end
),

-- Each invoice open at M, with its balance and bucket at M+1 (null when nothing is open then).
invoice_moves as (
    select
        transitions.from_month_end_date,
        transitions.to_month_end_date,
        from_balances.invoice_id,
        from_balances.owner_team,
        from_balances.segment,
        from_balances.aging_bucket as from_aging_bucket,
        from_balances.aging_bucket_order as from_aging_bucket_order,
        from_balances.bucket_rank as from_bucket_rank,
        from_balances.open_amount as from_open_amount,
        to_balances.bucket_rank as to_bucket_rank,
        to_balances.open_amount as to_open_amount
    from transitions
    inner join month_end_balances as from_balances
        on transitions.from_month_end_date = from_balances.month_end_date
    left join month_end_balances as to_balances
        on
            transitions.to_month_end_date = to_balances.month_end_date
            and from_balances.invoice_id = to_balances.invoice_id
),

-- How each balance gone by M+1 closed: its credit notes and write-offs dated after M, up to M+1.
closings as (
    select
        invoice_moves.from_month_end_date,
        invoice_moves.invoice_id,
        sum(case
            when int_receivable_events_unioned.event_type = 'credit_note'
                then -1 * int_receivable_events_unioned.open_amount_effect
            else 0
        end) as credited_amount,
        sum(case
            when int_receivable_events_unioned.event_type = 'written_off'
                then -1 * int_receivable_events_unioned.open_amount_effect
            else 0
        end) as charged_off_amount
    from invoice_moves
    inner join int_receivable_events_unioned
        on
            invoice_moves.invoice_id = int_receivable_events_unioned.invoice_id
            and int_receivable_events_unioned.event_date > invoice_moves.from_month_end_date
            and int_receivable_events_unioned.event_date <= invoice_moves.to_month_end_date
            and int_receivable_events_unioned.event_type in ('credit_note', 'written_off')
    where invoice_moves.to_bucket_rank is null
    group by invoice_moves.from_month_end_date, invoice_moves.invoice_id
),

classified as (
    select
        invoice_moves.from_month_end_date,
        invoice_moves.to_month_end_date,
        invoice_moves.from_aging_bucket,
        invoice_moves.from_aging_bucket_order,
        invoice_moves.owner_team,
        invoice_moves.segment,
        invoice_moves.from_open_amount,
        case
            when invoice_moves.to_bucket_rank is null
                then
                    invoice_moves.from_open_amount
                    - coalesce(closings.credited_amount, 0)
                    - coalesce(closings.charged_off_amount, 0)
            else 0
        end as cured_amount,
        case
            when invoice_moves.to_bucket_rank is null then coalesce(closings.credited_amount, 0) else 0
        end as credited_amount,
        case
            when invoice_moves.to_bucket_rank is null then coalesce(closings.charged_off_amount, 0) else 0
        end as charged_off_amount,
        case
            when invoice_moves.to_bucket_rank is not null
                then invoice_moves.from_open_amount - invoice_moves.to_open_amount
            else 0
        end as paid_down_amount,
        case
            when invoice_moves.to_bucket_rank = invoice_moves.from_bucket_rank then invoice_moves.to_open_amount
            else 0
        end as stayed_amount,
        case
            when invoice_moves.to_bucket_rank = invoice_moves.from_bucket_rank + 1 then invoice_moves.to_open_amount
            else 0
        end as rolled_forward_amount,
        case
            when invoice_moves.to_bucket_rank > invoice_moves.from_bucket_rank + 1 then invoice_moves.to_open_amount
            else 0
        end as rolled_beyond_amount,
        case
            when invoice_moves.to_bucket_rank < invoice_moves.from_bucket_rank then invoice_moves.to_open_amount
            else 0
        end as rolled_back_amount
    from invoice_moves
    left join closings
        on
            invoice_moves.from_month_end_date = closings.from_month_end_date
            and invoice_moves.invoice_id = closings.invoice_id
),

aggregated as (
    select
        from_month_end_date,
        to_month_end_date,
        from_aging_bucket,
        from_aging_bucket_order,
        owner_team,
        segment,
        count(*) as from_invoice_count,
        sum(from_open_amount) as from_bucket_amount,
        sum(rolled_forward_amount) as rolled_forward_amount,
        sum(rolled_beyond_amount) as rolled_beyond_amount,
        sum(stayed_amount) as stayed_amount,
        sum(rolled_back_amount) as rolled_back_amount,
        sum(cured_amount) as cured_amount,
        sum(credited_amount) as credited_amount,
        sum(charged_off_amount) as charged_off_amount,
        sum(paid_down_amount) as paid_down_amount
    from classified
    group by
        from_month_end_date,
        to_month_end_date,
        from_aging_bucket,
        from_aging_bucket_order,
        owner_team,
        segment
),

final as (
    select
        {{ month_start('from_month_end_date') }} as from_month_start,
        from_month_end_date,
        to_month_end_date,
        from_aging_bucket,
        from_aging_bucket_order,
        owner_team,
        segment,
        from_invoice_count,
        from_bucket_amount,
        rolled_forward_amount,
        rolled_beyond_amount,
        stayed_amount,
        rolled_back_amount,
        cured_amount,
        credited_amount,
        charged_off_amount,
        paid_down_amount,
        {{ ratio('rolled_forward_amount', 'from_bucket_amount', 100) }} as roll_rate_pct,
        {{ ratio('stayed_amount', 'from_bucket_amount', 100) }} as stayed_pct,
        {{ ratio('cured_amount', 'from_bucket_amount', 100) }} as cured_pct,
        {{ ratio('credited_amount', 'from_bucket_amount', 100) }} as credited_pct,
        {{ ratio('charged_off_amount', 'from_bucket_amount', 100) }} as charged_off_pct
    from aggregated
)

select * from final
