-- 貸倒・回収の損益影響 by calendar quarter: int_bad_debt_months_summed summed over the quarter's months
-- (write-offs, bad-debt loss, allowance provisions and reversals, recoveries after write-off, guarantee
-- payouts, the net P&L charge), and the net bad-debt ratio of the quarter's last month (rolling 12 months).
with int_bad_debt_months_summed as (
    select * from {{ ref('int_bad_debt_months_summed') }}
),

months as (
    select
        cast({{ dbt.date_trunc('quarter', 'month_start') }} as date) as quarter_start,
        int_bad_debt_months_summed.*,
        row_number() over (
            partition by {{ dbt.date_trunc('quarter', 'month_start') }} order by month_start desc
        ) as recency
    from int_bad_debt_months_summed
),

quarters as (
    select
        quarter_start,
        count(*) as month_count,
        sum(write_offs) as write_offs,
        sum(net_credit_sales) as net_credit_sales,
        sum(bad_debt_loss_amount) as bad_debt_loss_amount,
        sum(allowance_provision_amount) as allowance_provision_amount,
        sum(allowance_reversal_amount) as allowance_reversal_amount,
        sum(allowance_used_amount) as allowance_used_amount,
        sum(recovered_after_write_off_amount) as recovered_after_write_off_amount,
        sum(guarantee_paid_amount) as guarantee_paid_amount,
        sum(bad_debt_pl_amount) as bad_debt_pl_amount,
        max(case when recency = 1 then net_bad_debt_ratio_pct end) as net_bad_debt_ratio_pct
    from months
    group by quarter_start
),

final as (
    select
        quarter_start,
        cast(month_count as {{ dbt.type_int() }}) as month_count,
        cast(write_offs as decimal(38, 2)) as write_offs,
        cast(net_credit_sales as decimal(38, 2)) as net_credit_sales,
        cast(bad_debt_loss_amount as decimal(38, 2)) as bad_debt_loss_amount,
        cast(allowance_provision_amount as decimal(38, 2)) as allowance_provision_amount,
        cast(allowance_reversal_amount as decimal(38, 2)) as allowance_reversal_amount,
        cast(allowance_used_amount as decimal(38, 2)) as allowance_used_amount,
        cast(recovered_after_write_off_amount as decimal(38, 2)) as recovered_after_write_off_amount,
        cast(guarantee_paid_amount as decimal(38, 2)) as guarantee_paid_amount,
        cast(bad_debt_pl_amount as decimal(38, 2)) as bad_debt_pl_amount,
        net_bad_debt_ratio_pct
    from quarters
)

select * from final
