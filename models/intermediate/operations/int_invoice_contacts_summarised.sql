-- The contact history (対応履歴) of each open invoice up to the as-of date: how many times the
-- customer was contacted about it and the last contact's time, channel and outcome. A contact is a
-- dunning activity a person made (automated reminders are not contacts) that names the invoice (or a
-- credit note folded into it), or that names no invoice and was made on the customer's CRM account.
with stg_crm__activities as (
    select * from {{ ref('stg_crm__activities') }}
),

int_invoices_resolved as (
    select * from {{ ref('int_invoices_resolved') }}
),

int_customer_identifiers_resolved as (
    select * from {{ ref('int_customer_identifiers_resolved') }}
),

int_invoices_aged as (
    select * from {{ ref('int_invoices_aged') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

contacts as (
    select
        stg_crm__activities.activity_id,
        stg_crm__activities.crm_account_id,
        stg_crm__activities.invoice_id,
        stg_crm__activities.assignee_id,
        stg_crm__activities.activity_at,
        stg_crm__activities.channel,
        stg_crm__activities.outcome
    from stg_crm__activities
    cross join int_reporting_dates
    where
        not coalesce(stg_crm__activities.is_automated, false)
        and cast(stg_crm__activities.activity_at as date) <= int_reporting_dates.as_of_date
),

open_invoices as (
    select invoice_id, customer_key from int_invoices_aged where is_open
),

contacts_on_invoice as (
    select
        open_invoices.invoice_id,
        contacts.activity_id,
        contacts.assignee_id,
        contacts.activity_at,
        contacts.channel,
        contacts.outcome
    from contacts
    inner join int_invoices_resolved on contacts.invoice_id = int_invoices_resolved.invoice_id
    inner join open_invoices on int_invoices_resolved.receivable_invoice_id = open_invoices.invoice_id
),

crm_customers as (
    select
        source_identifier as crm_account_id,
        customer_key
    from int_customer_identifiers_resolved
    where source_system = 'crm' and match_status = 'resolved'
),

contacts_on_account as (
    select
        open_invoices.invoice_id,
        contacts.activity_id,
        contacts.assignee_id,
        contacts.activity_at,
        contacts.channel,
        contacts.outcome
    from contacts
    inner join crm_customers on contacts.crm_account_id = crm_customers.crm_account_id
    inner join open_invoices on crm_customers.customer_key = open_invoices.customer_key
    where contacts.invoice_id is null
),

invoice_contacts as (
    select * from contacts_on_invoice
    union all
    select * from contacts_on_account
),

ranked as (
    select
        invoice_contacts.*,
        count(*) over (partition by invoice_id) as contact_count,
        row_number() over (partition by invoice_id order by activity_at desc, activity_id desc) as recency_rank
    from invoice_contacts
),

final as (
    select
        invoice_id,
        cast(contact_count as bigint) as contact_count,
        activity_id as last_contact_activity_id,
        assignee_id as last_contact_assignee_id,
        activity_at as last_contact_at,
        cast(activity_at as date) as last_contact_date,
        channel as last_contact_channel,
        outcome as last_contact_outcome
    from ranked
    where recency_rank = 1
)

select * from final
