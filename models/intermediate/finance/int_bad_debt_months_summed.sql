-- 貸倒・引当・取立益・保証 by month, from the month of the first invoice to the as-of month: the AR
-- ledger's write-offs and net credit sales (int_customer_months_rolled, summed over customers), the GL's
-- bad-debt loss (貸倒損失: bad_debt_expense accounts on write_off entries, debit − credit), allowance
-- provisions (繰入: credits to the allowance outside write-offs), reversals (戻入: debits to it outside
-- write-offs) and write-offs charged to it (取崩), recoveries after write-off (償却債権取立益: credit − debit
-- on bad_debt_recovery accounts), and the guarantee payouts received (保証: guarantee/claims paid_amount by
-- paid_date). The net bad-debt ratio is (write-offs − recoveries − guarantee payouts) / net credit sales
-- over the month and the 11 before × 100, the write-off ratio's window and base (kpis.md); null until the
-- data holds those 12 months or when the sales are 0.
with int_months_spanned as (
    select * from {{ ref('int_months_spanned') }}
),

int_customer_months_rolled as (
    select * from {{ ref('int_customer_months_rolled') }}
),

stg_accounting__journal_lines as (
    select * from {{ ref('stg_accounting__journal_lines') }}
),

stg_accounting__accounts as (
    select * from {{ ref('stg_accounting__accounts') }}
),

stg_guarantee__claims as (
    select * from {{ ref('stg_guarantee__claims') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

ledger_months as (
    select
        month_start,
        sum(write_offs) as write_offs,
        sum(net_credit_sales) as net_credit_sales
    from int_customer_months_rolled
    group by month_start
),

gl_lines as (
    select
        cast({{ dbt.date_trunc('month', 'stg_accounting__journal_lines.posting_date') }} as date) as month_start,
        stg_accounting__accounts.account_category,
        coalesce(stg_accounting__journal_lines.entry_type = 'write_off', false) as is_write_off_entry,
        stg_accounting__journal_lines.debit_amount,
        stg_accounting__journal_lines.credit_amount
    from stg_accounting__journal_lines
    inner join stg_accounting__accounts
        on stg_accounting__journal_lines.account_code = stg_accounting__accounts.account_code
    cross join int_reporting_dates
    where
        stg_accounting__journal_lines.posting_date <= int_reporting_dates.as_of_date
        and stg_accounting__accounts.account_category in (
            'bad_debt_expense', 'allowance_for_doubtful_accounts', 'bad_debt_recovery'
        )
),

gl_months as (
    select
        month_start,
        sum(
            case
                when account_category = 'bad_debt_expense' and is_write_off_entry
                    then debit_amount - credit_amount
                else 0
            end
        ) as bad_debt_loss_amount,
        sum(
            case
                when account_category = 'allowance_for_doubtful_accounts' and not is_write_off_entry
                    then credit_amount
                else 0
            end
        ) as allowance_provision_amount,
        sum(
            case
                when account_category = 'allowance_for_doubtful_accounts' and not is_write_off_entry
                    then debit_amount
                else 0
            end
        ) as allowance_reversal_amount,
        sum(
            case
                when account_category = 'allowance_for_doubtful_accounts' and is_write_off_entry
                    then debit_amount - credit_amount
                else 0
            end
        ) as allowance_used_amount,
        sum(
            case when account_category = 'bad_debt_recovery' then credit_amount - debit_amount else 0 end
        ) as recovered_after_write_off_amount
    from gl_lines
    group by month_start
),

guarantee_payouts as (
    select
        cast({{ dbt.date_trunc('month', 'stg_guarantee__claims.paid_date') }} as date) as month_start,
        stg_guarantee__claims.paid_amount
    from stg_guarantee__claims
    cross join int_reporting_dates
    where
        stg_guarantee__claims.paid_amount is not null
        and stg_guarantee__claims.paid_date <= int_reporting_dates.as_of_date
),

guarantee_months as (
    select
        month_start,
        sum(paid_amount) as guarantee_paid_amount
    from guarantee_payouts
    group by month_start
),

months as (
    select
        int_months_spanned.month_start,
        coalesce(ledger_months.write_offs, 0) as write_offs,
        coalesce(ledger_months.net_credit_sales, 0) as net_credit_sales,
        coalesce(gl_months.bad_debt_loss_amount, 0) as bad_debt_loss_amount,
        coalesce(gl_months.allowance_provision_amount, 0) as allowance_provision_amount,
        coalesce(gl_months.allowance_reversal_amount, 0) as allowance_reversal_amount,
        coalesce(gl_months.allowance_used_amount, 0) as allowance_used_amount,
        coalesce(gl_months.recovered_after_write_off_amount, 0) as recovered_after_write_off_amount,
        coalesce(guarantee_months.guarantee_paid_amount, 0) as guarantee_paid_amount
    from int_months_spanned
    left join ledger_months
        on int_months_spanned.month_start = ledger_months.month_start
    left join gl_months
        on int_months_spanned.month_start = gl_months.month_start
    left join guarantee_months
        on int_months_spanned.month_start = guarantee_months.month_start
),

windowed as (
    select
        months.*,
        count(*) over (order by month_start rows between 11 preceding and current row) as months_in_12m,
        sum(write_offs) over (order by month_start rows between 11 preceding and current row) as write_offs_12m,
        sum(recovered_after_write_off_amount) over (order by month_start rows between 11 preceding and current row)
            as recovered_after_write_off_12m,
        sum(guarantee_paid_amount) over (order by month_start rows between 11 preceding and current row)
            as guarantee_paid_12m,
        sum(net_credit_sales) over (order by month_start rows between 11 preceding and current row)
            as net_credit_sales_12m
    from months
),

final as (
    select
        month_start,
        write_offs,
        net_credit_sales,
        bad_debt_loss_amount,
        allowance_provision_amount,
        allowance_reversal_amount,
        allowance_used_amount,
        recovered_after_write_off_amount,
        guarantee_paid_amount,
        bad_debt_loss_amount + allowance_provision_amount - allowance_reversal_amount
        - recovered_after_write_off_amount - guarantee_paid_amount as bad_debt_pl_amount,
        case
            when months_in_12m = 12
                then {{ pct(
                    'write_offs_12m - recovered_after_write_off_12m - guarantee_paid_12m', 'net_credit_sales_12m'
                ) }}
        end as net_bad_debt_ratio_pct
    from windowed
)

select * from final
