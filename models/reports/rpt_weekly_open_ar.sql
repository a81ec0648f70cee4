-- 週次エグゼクティブレポート: open AR and its overdue part at each week-end, counted back from the
-- as-of date in steps of seven days (13 week-ends). Overdue as kpis.md defines it: the open amount
-- of invoices due on or before that day.
with rpt_report_periods as (
    select * from {{ ref('rpt_report_periods') }}
),

fct_invoice_balance_history as (
    select * from {{ ref('fct_invoice_balance_history') }}
),

weeks_back as (
    {%- for week in range(13) %}
        select {{ week }} as weeks_before_as_of{{ ' union all' if not loop.last }}
    {%- endfor %}
),

week_ends as (
    select
        weeks_back.weeks_before_as_of,
        {{ add_days('rpt_report_periods.as_of_date', '-7 * weeks_back.weeks_before_as_of') }} as balance_date,
        rpt_report_periods.as_of_date
    from weeks_back
    cross join rpt_report_periods
),

final as (
    select
        week_ends.balance_date,
        cast(week_ends.weeks_before_as_of as {{ dbt.type_int() }}) as weeks_before_as_of,
        week_ends.as_of_date,
        cast(coalesce(sum(fct_invoice_balance_history.open_amount), 0) as decimal(38, 2)) as open_ar_amount,
        cast(coalesce(sum(case
            when fct_invoice_balance_history.due_date <= week_ends.balance_date
                then fct_invoice_balance_history.open_amount
            else 0
        end), 0) as decimal(38, 2)) as overdue_ar_amount
    from week_ends
    left join fct_invoice_balance_history
        on
            fct_invoice_balance_history.valid_from <= week_ends.balance_date
            and (
                fct_invoice_balance_history.valid_to > week_ends.balance_date
                or fct_invoice_balance_history.valid_to is null
            )
    group by week_ends.balance_date, week_ends.weeks_before_as_of, week_ends.as_of_date
)

select * from final
