-- 受取手形・電子記録債権 by month, and DSO with and without them: 受取手形 is part of 売上債権, so
-- DSO incl. notes = (ending AR + ending notes receivable) / net credit sales × days in the period,
-- beside the DSO of 売掛金 alone (the one fct_kpi_monthly publishes). Parts stay additive.
with int_notes_receivable_months_summed as (
    select * from {{ ref('int_notes_receivable_months_summed') }}
),

final as (
    select
        month_start,
        period_end_date,
        days_in_period,
        is_month_in_progress,
        ending_ar_amount,
        ending_notes_receivable_amount,
        ending_promissory_amount,
        ending_densai_amount,
        net_credit_sales_amount,
        notes_received_amount,
        notes_collected_amount,
        notes_discounted_amount,
        notes_endorsed_amount,
        notes_dishonoured_amount,
        discount_fee_amount,
        gl_ending_notes_receivable_amount,
        cast(ending_notes_receivable_amount - gl_ending_notes_receivable_amount as decimal(38, 2))
            as gl_difference_amount,
        {{ pct('ending_ar_amount', 'net_credit_sales_amount', scale='days_in_period') }} as dso_days,
        {{ pct('ending_ar_amount + ending_notes_receivable_amount', 'net_credit_sales_amount', scale='days_in_period') }}  -- noqa: LT05
            as dso_incl_notes_days
    from int_notes_receivable_months_summed
)

select * from final
