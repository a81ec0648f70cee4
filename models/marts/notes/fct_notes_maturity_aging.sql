-- 満期別残高 (notes receivable by maturity): for as_of_date and every month-end before it, each note line
-- outstanding that day (received on or before it, and still held or settled after it) with the days to
-- its maturity and its bucket; a note past its maturity date that is still outstanding is
-- `past_maturity` (満期経過: its collection has not been reported). The buckets of a snapshot sum to
-- that day's notes receivable.
with int_note_events_unioned as (
    select * from {{ ref('int_note_events_unioned') }}
),

int_months_spanned as (
    select * from {{ ref('int_months_spanned') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

snapshot_dates as (
    select
        int_months_spanned.month_end_date as snapshot_date,
        true as is_month_end
    from int_months_spanned
    cross join int_reporting_dates
    where int_months_spanned.month_end_date <= int_reporting_dates.as_of_date
    union all
    select
        int_reporting_dates.as_of_date as snapshot_date,
        false as is_month_end
    from int_reporting_dates
    where int_reporting_dates.as_of_date <> {{ month_end('int_reporting_dates.as_of_date') }}
),

-- A note line's balance on a day: the sum of its notes-receivable effects dated on or before it.
outstanding as (
    select
        snapshot_dates.snapshot_date,
        snapshot_dates.is_month_end,
        int_note_events_unioned.note_id,
        int_note_events_unioned.invoice_id,
        int_note_events_unioned.customer_key,
        int_note_events_unioned.note_type,
        int_note_events_unioned.maturity_date,
        min(int_note_events_unioned.event_date) as received_date,
        sum(int_note_events_unioned.notes_receivable_effect) as outstanding_amount
    from snapshot_dates
    inner join int_note_events_unioned
        on snapshot_dates.snapshot_date >= int_note_events_unioned.event_date
    group by
        snapshot_dates.snapshot_date,
        snapshot_dates.is_month_end,
        int_note_events_unioned.note_id,
        int_note_events_unioned.invoice_id,
        int_note_events_unioned.customer_key,
        int_note_events_unioned.note_type,
        int_note_events_unioned.maturity_date
),

aged as (
    select
        outstanding.*,
        {{ days_between('outstanding.snapshot_date', 'outstanding.maturity_date') }} as days_to_maturity
    from outstanding
    where outstanding.outstanding_amount <> 0
),

final as (
    select
        snapshot_date,
        is_month_end,
        note_id,
        invoice_id,
        customer_key,
        note_type,
        received_date,
        maturity_date,
        days_to_maturity,
        case
            when days_to_maturity < 0 then 'past_maturity'
            when days_to_maturity <= 30 then '0-30'
            when days_to_maturity <= 60 then '31-60'
            when days_to_maturity <= 90 then '61-90'
            when days_to_maturity <= 120 then '91-120'
            else 'over_120'
        end as maturity_bucket,
        cast(outstanding_amount as decimal(18, 2)) as outstanding_amount
    from aged
)

select * from final
