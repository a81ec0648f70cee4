-- 売掛金照合 (GL tie-out): each month, the AR sub-ledger's ending AR, built from the three axes of
-- the receivable ledger in staging (invoices and credit notes, cash applied and fees deducted, notes
-- received net of dishonoured notes, write-offs), against the general ledger's accounts_receivable
-- balance, and the difference. A difference beyond the seed gl_tie_out_tolerances fails the
-- error-severity test assert_gl_ar_ties_to_subledger.
with stg_billing__invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

stg_accounting__cash_applications as (
    select * from {{ ref('stg_accounting__cash_applications') }}
),

stg_accounting__notes_receivable as (
    select * from {{ ref('stg_accounting__notes_receivable') }}
),

stg_accounting__journal_lines as (
    select * from {{ ref('stg_accounting__journal_lines') }}
),

stg_accounting__accounts as (
    select * from {{ ref('stg_accounting__accounts') }}
),

int_gl_balances_monthly as (
    select * from {{ ref('int_gl_balances_monthly') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

incurrence_events as (
    select
        invoice_date as event_date,
        invoice_amount as ar_change_amount
    from stg_billing__invoices
),

collection_events as (
    select
        applied_date as event_date,
        -applied_amount - coalesce(fee_deducted_amount, 0) as ar_change_amount
    from stg_accounting__cash_applications
),

-- 売掛金 → 受取手形 / 電子記録債権 when a note is received, and back when it is dishonoured (不渡り).
note_events as (
    select
        received_date as event_date,
        -note_amount as ar_change_amount
    from stg_accounting__notes_receivable
    union all
    select
        settled_date as event_date,
        note_amount as ar_change_amount
    from stg_accounting__notes_receivable
    where note_status = 'dishonoured'
),

write_off_events as (
    select
        stg_accounting__journal_lines.posting_date as event_date,
        stg_accounting__journal_lines.debit_amount
        - stg_accounting__journal_lines.credit_amount as ar_change_amount
    from stg_accounting__journal_lines
    inner join stg_accounting__accounts
        on stg_accounting__journal_lines.account_code = stg_accounting__accounts.account_code
    where
        stg_accounting__journal_lines.entry_type = 'write_off'
        and stg_accounting__accounts.account_category = 'accounts_receivable'
        and stg_accounting__journal_lines.invoice_id is not null
),

subledger_events as (
    select * from incurrence_events
    union all
    select * from collection_events
    union all
    select * from note_events
    union all
    select * from write_off_events
),

subledger_monthly as (
    select
        {{ month_start('subledger_events.event_date') }} as month_start,
        sum(subledger_events.ar_change_amount) as ar_change_amount
    from subledger_events
    cross join int_reporting_dates
    where subledger_events.event_date <= int_reporting_dates.as_of_date
    group by {{ month_start('subledger_events.event_date') }}
),

gl_receivables as (
    select
        month_start,
        ending_balance_amount
    from int_gl_balances_monthly
    where account_category = 'accounts_receivable'
),

data_months as (
    select month_start from subledger_monthly
    union all
    select month_start from int_gl_balances_monthly
),

month_bounds as (
    select
        min(data_months.month_start) as first_month_start,
        {{ month_start('int_reporting_dates.as_of_date') }} as last_month_start
    from data_months
    cross join int_reporting_dates
    group by int_reporting_dates.as_of_date
),

months as (
    {{ months_between_dates('month_bounds', 'first_month_start', 'last_month_start') | indent(4) }}
),

subledger_rolled_forward as (
    select
        months.month_start,
        months.month_end_date,
        sum(coalesce(subledger_monthly.ar_change_amount, 0)) over (
            order by months.month_start
            rows between unbounded preceding and current row
        ) as subledger_ending_ar
    from months
    left join subledger_monthly
        on months.month_start = subledger_monthly.month_start
),

-- Without any accounts_receivable account in the ledger there is nothing to tie to: the GL side is null.
gl_presence as (
    select count(*) > 0 as has_gl_receivables from gl_receivables
),

compared as (
    select
        subledger_rolled_forward.month_start,
        subledger_rolled_forward.month_end_date,
        subledger_rolled_forward.subledger_ending_ar,
        case
            when gl_presence.has_gl_receivables then coalesce(gl_receivables.ending_balance_amount, 0)
        end as gl_ending_ar
    from subledger_rolled_forward
    cross join gl_presence
    left join gl_receivables
        on subledger_rolled_forward.month_start = gl_receivables.month_start
),

final as (
    select
        month_start,
        month_end_date,
        cast(subledger_ending_ar as decimal(18, 2)) as subledger_ending_ar,
        cast(gl_ending_ar as decimal(18, 2)) as gl_ending_ar,
        cast(subledger_ending_ar - gl_ending_ar as decimal(18, 2)) as difference_amount,
        subledger_ending_ar = gl_ending_ar as is_reconciled
    from compared
)

select * from final
