-- The day the warehouse reports on (as_of_date): AR_AS_OF_DATE / the dbt var as_of_date when set,
-- otherwise the latest date present in the data. KPIs read it from here, never from the clock,
-- so rebuilding the past gives the past's answer.
with data_dates as (
    select max(invoice_date) as latest_date, min(invoice_date) as earliest_date
    from {{ ref('stg_billing__invoices') }}
    union all
    select max(applied_date) as latest_date, cast(null as date) as earliest_date
    from {{ ref('stg_accounting__cash_applications') }}
    union all
    select max(value_date) as latest_date, cast(null as date) as earliest_date
    from {{ ref('stg_bank__transactions') }}
    union all
    select max(posting_date) as latest_date, cast(null as date) as earliest_date
    from {{ ref('stg_accounting__journal_lines') }}
),

final as (
    select
        {%- if configured_as_of_date() %}
        cast('{{ configured_as_of_date() }}' as date) as as_of_date,
        {%- else %}
            max(latest_date) as as_of_date,
        {%- endif %}
        max(latest_date) as latest_data_date,
        min(earliest_date) as earliest_invoice_date,
        {{ 'true' if configured_as_of_date() else 'false' }} as is_as_of_date_configured
    from data_dates
)

select * from final
