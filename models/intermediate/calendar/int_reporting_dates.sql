-- The day the warehouse reports on (as_of_date): AR_AS_OF_DATE / the dbt var as_of_date when set,
-- otherwise the data's own as-of date. KPIs read it from here, never from the clock, so rebuilding
-- the past gives the past's answer.
--
-- The data's as-of date is anchored on the billing and bank facts (invoice dates, bank value dates)
-- not after the run date: the latest of those is the last day business is known to have happened.
-- Applications and postings may reach that day's month end (closing entries dated on the calendar
-- month end after the last business day), never beyond it nor after the run date, so a future-dated
-- row (a 翌月1日 reversing journal) cannot move the month; int_future_dated_rows_flagged lists it.
{%- set run_day = "cast('" ~ run_date() ~ "' as date)" %}

with data_dates as (
    select
        invoice_date as fact_date,
        true as is_anchor,
        'invoice' as fact_kind
    from {{ ref('stg_billing__invoices') }}
    union all
    select
        value_date as fact_date,
        true as is_anchor,
        'bank' as fact_kind
    from {{ ref('stg_bank__transactions') }}
    union all
    select
        applied_date as fact_date,
        false as is_anchor,
        'application' as fact_kind
    from {{ ref('stg_accounting__cash_applications') }}
    union all
    select
        posting_date as fact_date,
        false as is_anchor,
        'posting' as fact_kind
    from {{ ref('stg_accounting__journal_lines') }}
),

anchor as (
    select max(fact_date) as anchor_date
    from data_dates
    where is_anchor and fact_date <= {{ run_day }}
),

spans as (
    select
        max(case
            when
                data_dates.fact_date <= {{ run_day }}
                and data_dates.fact_date <= {{ month_end('anchor.anchor_date') }}
                then data_dates.fact_date
        end) as data_as_of_date,
        max(data_dates.fact_date) as latest_data_date,
        min(case when data_dates.fact_kind = 'invoice' then data_dates.fact_date end) as earliest_invoice_date
    from data_dates
    cross join anchor
),

final as (
    select
        {%- if configured_as_of_date() %}
        cast('{{ configured_as_of_date() }}' as date) as as_of_date,
        {%- else %}
            data_as_of_date as as_of_date,
        {%- endif %}
        data_as_of_date,
        latest_data_date,
        earliest_invoice_date,
        {{ run_day }} as run_date,
        {{ 'true' if configured_as_of_date() else 'false' }} as is_as_of_date_configured
    from spans
)

select * from final
