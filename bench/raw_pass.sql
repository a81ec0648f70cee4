-- The raw single pass of `make bench`: the customer × month AR roll-forward of fct_ar_monthly
-- (opening AR, credit sales, credit notes, collections, fees deducted, write-offs, ending AR)
-- written as one hand-made DuckDB query straight over the landing CSVs, as a baseline for what the
-- warehouse's full build costs. It does what such a query honestly has to do and no more:
--   - every file of a table (`<table>.csv` and the daily `<table>_YYYY-MM-DD.csv` beside it),
--     read as text and typed with try_cast; a row whose key, date or amount does not parse, due
--     before it was issued, in another currency, with the wrong sign, or whose key two different
--     rows share is left out (an exact copy counts once), as staging quarantines it;
--   - the as-of date as the warehouse defaults it (int_reporting_dates): the latest invoice or
--     bank value date not after $run_date, then the latest fact up to that month's end;
--   - a credit note reduces its original invoice; an application, a fee, a note or a write-off
--     lands on the receivable of the invoice it names; write-offs are the write_off journal lines
--     on accounts_receivable accounts; notes received (受取手形, でんさい) settle on their
--     received_date and a dishonoured note comes back on its settled_date.
-- What it leaves out: 名寄せ (the customer is the invoice's billing_customer_id), the quarantine
-- ledger, references to other tables, the due-basis parts and every other mart.
-- Parameters: $landing_dir (the landing folder) and $run_date (YYYY-MM-DD).
with invoice_rows as (
    select distinct
        invoice_id,
        billing_customer_id,
        try_cast(invoice_date as date) as invoice_date,
        try_cast(due_date as date) as due_date,
        try_cast(amount as decimal(18, 2)) as amount,
        coalesce(nullif(currency, ''), 'JPY') as currency,
        document_type,
        nullif(original_invoice_id, '') as original_invoice_id
    from read_csv(
        $landing_dir || '/billing/invoices*.csv',
        header = true, all_varchar = true, union_by_name = true, null_padding = true
    )
),

invoices as (
    select *
    from invoice_rows
    where
        invoice_id <> ''
        and billing_customer_id <> ''
        and invoice_date is not null
        and due_date >= invoice_date
        and currency = 'JPY'
        and (
            (document_type = 'invoice' and amount >= 0)
            or (document_type = 'credit_note' and amount <= 0)
        )
    qualify count(*) over (partition by invoice_id) = 1
),

application_rows as (
    select distinct
        application_id,
        invoice_id,
        try_cast(applied_amount as decimal(18, 2)) as applied_amount,
        try_cast(applied_date as date) as applied_date,
        coalesce(try_cast(nullif(fee_deducted, '') as decimal(18, 2)), 0) as fee_deducted
    from read_csv(
        $landing_dir || '/accounting/cash_applications*.csv',
        header = true, all_varchar = true, union_by_name = true, null_padding = true
    )
),

applications as (
    select *
    from application_rows
    where application_id <> '' and applied_amount is not null and applied_date is not null
    qualify count(*) over (partition by application_id) = 1
),

journal_rows as (
    select distinct
        journal_id,
        try_cast(line_number as integer) as line_number,
        try_cast(posting_date as date) as posting_date,
        account_code,
        coalesce(try_cast(nullif(debit, '') as decimal(18, 2)), 0) as debit,
        coalesce(try_cast(nullif(credit, '') as decimal(18, 2)), 0) as credit,
        nullif(invoice_id, '') as invoice_id,
        entry_type
    from read_csv(
        $landing_dir || '/accounting/journal_lines*.csv',
        header = true, all_varchar = true, union_by_name = true, null_padding = true
    )
),

journal_lines as (
    select *
    from journal_rows
    where journal_id <> '' and line_number is not null and posting_date is not null
    qualify count(*) over (partition by journal_id, line_number) = 1
),

accounts as (
    select
        account_code,
        account_category
    from read_csv(
        $landing_dir || '/accounting/accounts.csv',
        header = true, all_varchar = true, null_padding = true
    )
),

note_rows as (
    select distinct
        note_id,
        invoice_id,
        try_cast(amount as decimal(18, 2)) as amount,
        try_cast(received_date as date) as received_date,
        status,
        try_cast(nullif(settled_date, '') as date) as settled_date
    from read_csv(
        $landing_dir || '/accounting/notes_receivable*.csv',
        header = true, all_varchar = true, union_by_name = true, null_padding = true
    )
),

notes as (
    select *
    from note_rows
    where note_id <> '' and amount is not null and received_date is not null
    qualify count(*) over (partition by note_id, invoice_id) = 1
),

bank_dates as (
    select try_cast(value_date as date) as fact_date
    from read_csv(
        $landing_dir || '/bank/transactions*.csv',
        header = true, all_varchar = true, union_by_name = true, null_padding = true
    )
),

anchor as (
    select max(fact_date) as anchor_date
    from (
        select invoice_date as fact_date from invoices
        union all
        select fact_date from bank_dates
    ) as anchor_facts
    where fact_date <= cast($run_date as date)
),

reporting_dates as (
    select max(all_facts.fact_date) as as_of_date
    from (
        select invoice_date as fact_date from invoices
        union all
        select fact_date from bank_dates
        union all
        select applied_date as fact_date from applications
        union all
        select posting_date as fact_date from journal_lines
    ) as all_facts
    cross join anchor
    where all_facts.fact_date <= cast($run_date as date) and all_facts.fact_date <= last_day(anchor.anchor_date)
),

receivables as (
    select
        documents.invoice_id,
        coalesce(originals.invoice_id, documents.invoice_id) as receivable_id,
        coalesce(originals.billing_customer_id, documents.billing_customer_id) as customer_id
    from invoices as documents
    left join invoices as originals
        on
            documents.original_invoice_id = originals.invoice_id
            and documents.document_type = 'credit_note'
    cross join reporting_dates
    where documents.invoice_date <= reporting_dates.as_of_date
),

-- One row per change to a receivable: (invoice named, date, the part it belongs to, its amount as
-- the roll-forward adds or subtracts it).
movements as (
    select
        invoice_id,
        invoice_date as event_date,
        case when document_type = 'invoice' then 'credit_sales' else 'credit_notes' end as part,
        amount
    from invoices
    union all
    select
        invoice_id,
        applied_date as event_date,
        'collections' as part,
        applied_amount as amount
    from applications
    union all
    select
        invoice_id,
        applied_date as event_date,
        'fees_deducted' as part,
        fee_deducted as amount
    from applications
    where fee_deducted <> 0
    union all
    select
        journal_lines.invoice_id,
        journal_lines.posting_date as event_date,
        'write_offs' as part,
        journal_lines.credit - journal_lines.debit as amount
    from journal_lines
    inner join accounts on journal_lines.account_code = accounts.account_code
    where journal_lines.entry_type = 'write_off' and accounts.account_category = 'accounts_receivable'
    union all
    select
        invoice_id,
        received_date as event_date,
        'collections' as part,
        amount
    from notes
    union all
    select
        invoice_id,
        settled_date as event_date,
        'collections' as part,
        -1 * amount as amount
    from notes
    where status = 'dishonoured' and settled_date is not null
),

monthly_flows as (
    select
        receivables.customer_id,
        date_trunc('month', movements.event_date) as month_start,
        sum(case when movements.part = 'credit_sales' then movements.amount else 0 end) as credit_sales,
        sum(case when movements.part = 'credit_notes' then movements.amount else 0 end) as credit_notes,
        sum(case when movements.part = 'collections' then movements.amount else 0 end) as collections,
        sum(case when movements.part = 'fees_deducted' then movements.amount else 0 end) as fees_deducted,
        sum(case when movements.part = 'write_offs' then movements.amount else 0 end) as write_offs
    from movements
    inner join receivables on movements.invoice_id = receivables.invoice_id
    cross join reporting_dates
    where movements.event_date <= reporting_dates.as_of_date
    group by receivables.customer_id, date_trunc('month', movements.event_date)
),

customer_months as (
    select
        first_months.customer_id,
        cast(unnest(
            generate_series(
                first_months.first_month_start,
                date_trunc('month', reporting_dates.as_of_date),
                interval 1 month
            )
        ) as date) as month_start
    from (
        select
            customer_id,
            min(month_start) as first_month_start
        from monthly_flows
        group by customer_id
    ) as first_months
    cross join reporting_dates
),

rolled as (
    select
        customer_months.customer_id,
        customer_months.month_start,
        coalesce(monthly_flows.credit_sales, 0) as credit_sales,
        coalesce(monthly_flows.credit_notes, 0) as credit_notes,
        coalesce(monthly_flows.collections, 0) as collections,
        coalesce(monthly_flows.fees_deducted, 0) as fees_deducted,
        coalesce(monthly_flows.write_offs, 0) as write_offs,
        sum(
            coalesce(
                monthly_flows.credit_sales
                + monthly_flows.credit_notes
                - monthly_flows.collections
                - monthly_flows.fees_deducted
                - monthly_flows.write_offs,
                0
            )
        ) over (
            partition by customer_months.customer_id order by customer_months.month_start
            rows between unbounded preceding and current row
        ) as ending_ar
    from customer_months
    left join monthly_flows
        on
            customer_months.customer_id = monthly_flows.customer_id
            and customer_months.month_start = monthly_flows.month_start
)

select
    rolled.customer_id,
    rolled.month_start,
    reporting_dates.as_of_date,
    rolled.ending_ar
    - (rolled.credit_sales + rolled.credit_notes - rolled.collections - rolled.fees_deducted - rolled.write_offs)
        as opening_ar,
    rolled.credit_sales,
    rolled.credit_notes,
    rolled.collections,
    rolled.fees_deducted,
    rolled.write_offs,
    rolled.ending_ar
from rolled
cross join reporting_dates
