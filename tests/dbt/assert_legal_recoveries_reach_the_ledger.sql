-- Rule: legal recovered is the legal system's recoveries (fct_legal_cases, fct_legal_monthly and the
-- legal rows of fct_collection_stages_monthly); the AR ledger counts the same money once, from cash
-- application. Each case's recoveries dated at least 30 days before as_of_date must be covered by
-- cash applied (net of reversals, plus fees deducted) to the case's invoices since the case opened.
-- What may legitimately differ: timing (a recovery recorded by the legal system is applied to the
-- invoices some days later, so the last 30 days are not judged), and money the debtor paid the
-- company directly during the case (in the ledger, not a legal recovery: the ledger may exceed the
-- recoveries, never fall short of them). A warning, like the GL tie-out: a finding for accounting.
{{ config(severity='warn') }}

with fct_legal_cases as (
    select * from {{ ref('fct_legal_cases') }}
),

stg_legal__recoveries as (
    select * from {{ ref('stg_legal__recoveries') }}
),

stg_legal__case_invoices as (
    select * from {{ ref('stg_legal__case_invoices') }}
),

int_invoices_resolved as (
    select * from {{ ref('int_invoices_resolved') }}
),

int_receivable_events_unioned as (
    select * from {{ ref('int_receivable_events_unioned') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

settled_recoveries as (
    select
        stg_legal__recoveries.legal_case_id,
        sum(stg_legal__recoveries.recovered_amount) as settled_recovered_amount
    from stg_legal__recoveries
    cross join int_reporting_dates
    where stg_legal__recoveries.recovery_date <= {{ add_days('int_reporting_dates.as_of_date', -30) }}
    group by stg_legal__recoveries.legal_case_id
),

case_receivables as (
    select distinct
        stg_legal__case_invoices.legal_case_id,
        int_invoices_resolved.receivable_invoice_id
    from stg_legal__case_invoices
    inner join int_invoices_resolved on stg_legal__case_invoices.invoice_id = int_invoices_resolved.invoice_id
),

applied_since_opening as (
    select
        fct_legal_cases.legal_case_id,
        sum(-1 * int_receivable_events_unioned.open_amount_effect) as applied_amount
    from fct_legal_cases
    inner join case_receivables on fct_legal_cases.legal_case_id = case_receivables.legal_case_id
    inner join int_receivable_events_unioned
        on
            case_receivables.receivable_invoice_id = int_receivable_events_unioned.invoice_id
            and int_receivable_events_unioned.ledger_axis = 'collection'
            and int_receivable_events_unioned.event_date >= fct_legal_cases.opened_date
    group by fct_legal_cases.legal_case_id
)

select
    fct_legal_cases.legal_case_id,
    fct_legal_cases.recovered_amount,
    settled_recoveries.settled_recovered_amount,
    coalesce(applied_since_opening.applied_amount, 0) as applied_amount
from fct_legal_cases
inner join settled_recoveries on fct_legal_cases.legal_case_id = settled_recoveries.legal_case_id
left join applied_since_opening on fct_legal_cases.legal_case_id = applied_since_opening.legal_case_id
where settled_recoveries.settled_recovered_amount > coalesce(applied_since_opening.applied_amount, 0)
