-- 与信管理 — one row per customer as of the as-of date, refreshed each run: open AR against the credit
-- limit (与信限度額), the overdue share, the oldest overdue invoice, the payment history of the last
-- 12 months (average days to pay, share paid late) and the risk segment those put the customer in
-- (seed document 002: 顧客を支払い履歴や信用力に基づいてセグメント化). The segment is the most severe
-- one of the seed risk_segment_thresholds for which the customer reaches at least one threshold;
-- `low` when none is reached.
-- Computed in int_customers_risk_segmented.
with int_customers_risk_segmented as (
    select * from {{ ref('int_customers_risk_segmented') }}
),

final as (
    select
        customer_key,
        customer_name,
        billing_customer_id,
        owner_assignee_id,
        owner_team,
        segment,
        is_unresolved,
        as_of_date,
        open_ar_amount,
        overdue_ar_amount,
        overdue_share_pct,
        max_days_past_due,
        credit_limit_amount,
        credit_limit_used_pct,
        is_over_credit_limit,
        paid_invoices_12m_count,
        paid_late_invoices_12m_count,
        days_to_pay_12m_sum,
        average_days_to_pay_12m,
        paid_late_12m_pct,
        risk_segment,
        risk_segment_label_ja,
        risk_severity_rank,
        risk_segment_driver,
        risk_weight
    from int_customers_risk_segmented
)

select * from final
