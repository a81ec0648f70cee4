-- The day each invoice entered each collection stage (kpis.md, collection stages): soft from the
-- day after its due date when it was still open then; hard from its first `hard` dunning activity
-- (on the invoice, or on the customer's account while the invoice was open and overdue); legal
-- from the opening of a legal case that covers it. Only what happened by as_of_date.
with invoices as (
    select * from {{ ref('int_invoices_resolved') }}
),

balances as (
    select * from {{ ref('int_invoice_balances_versioned') }}
),

stg_crm__activities as (
    select * from {{ ref('stg_crm__activities') }}
),

stg_legal__case_invoices as (
    select * from {{ ref('stg_legal__case_invoices') }}
),

stg_legal__cases as (
    select * from {{ ref('stg_legal__cases') }}
),

identity_map as (
    select * from {{ ref('int_customer_identifiers_resolved') }}
),

reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

receivables as (
    select invoice_id, customer_key, receivable_due_date as due_date, invoice_date
    from invoices
    where invoice_id = receivable_invoice_id
),

open_at_due as (
    select
        receivables.invoice_id,
        coalesce(balances.open_amount, 0) as open_at_due_amount
    from receivables
    left join balances
        on
            receivables.invoice_id = balances.invoice_id
            and balances.valid_from <= receivables.due_date
            and (balances.valid_to > receivables.due_date or balances.valid_to is null)
),

hard_activities as (
    select
        stg_crm__activities.activity_id,
        stg_crm__activities.invoice_id,
        identity_map.customer_key,
        cast(stg_crm__activities.activity_at as date) as activity_date
    from stg_crm__activities
    inner join identity_map
        on
            identity_map.source_system = 'crm'
            and stg_crm__activities.crm_account_id = identity_map.source_identifier
    cross join reporting_dates
    where
        stg_crm__activities.collection_stage = 'hard'
        and cast(stg_crm__activities.activity_at as date) <= reporting_dates.as_of_date
),

hard_on_invoice as (
    select invoices.receivable_invoice_id as invoice_id, min(hard_activities.activity_date) as hard_entered_date
    from hard_activities
    inner join invoices on hard_activities.invoice_id = invoices.invoice_id
    group by invoices.receivable_invoice_id
),

-- An account-level hard activity reaches the customer's invoices that were open and overdue that day.
hard_on_account as (
    select balances.invoice_id, min(hard_activities.activity_date) as hard_entered_date
    from hard_activities
    inner join balances
        on
            hard_activities.customer_key = balances.customer_key
            and balances.valid_from <= hard_activities.activity_date
            and (balances.valid_to > hard_activities.activity_date or balances.valid_to is null)
            and balances.due_date < hard_activities.activity_date
            and balances.open_amount > 0
    where hard_activities.invoice_id is null
    group by balances.invoice_id
),

legal_entries as (
    select invoices.receivable_invoice_id as invoice_id, min(stg_legal__cases.opened_date) as legal_entered_date
    from stg_legal__case_invoices
    inner join stg_legal__cases on stg_legal__case_invoices.legal_case_id = stg_legal__cases.legal_case_id
    inner join invoices on stg_legal__case_invoices.invoice_id = invoices.invoice_id
    cross join reporting_dates
    where stg_legal__cases.opened_date <= reporting_dates.as_of_date
    group by invoices.receivable_invoice_id
),

final as (
    select
        receivables.invoice_id,
        receivables.customer_key,
        receivables.due_date,
        open_at_due.open_at_due_amount,
        case
            when open_at_due.open_at_due_amount > 0 and receivables.due_date < reporting_dates.as_of_date
                then {{ add_days("receivables.due_date", 1) }}
        end as soft_entered_date,
        case
            when hard_on_invoice.hard_entered_date is null then hard_on_account.hard_entered_date
            when hard_on_account.hard_entered_date is null then hard_on_invoice.hard_entered_date
            when hard_on_invoice.hard_entered_date < hard_on_account.hard_entered_date
                then hard_on_invoice.hard_entered_date
            else hard_on_account.hard_entered_date
        end as hard_entered_date,
        legal_entries.legal_entered_date
    from receivables
    cross join reporting_dates
    inner join open_at_due on receivables.invoice_id = open_at_due.invoice_id
    left join hard_on_invoice on receivables.invoice_id = hard_on_invoice.invoice_id
    left join hard_on_account on receivables.invoice_id = hard_on_account.invoice_id
    left join legal_entries on receivables.invoice_id = legal_entries.invoice_id
)

select * from final
