-- 四半期リスクレポート: the write-offs of the report quarter (fct_receivable_events on the write-off
-- axis, by event date), one row per customer, with the customer's current risk segment
-- (dim_customer_risk), ranked by amount written off.
with rpt_report_periods as (
    select * from {{ ref('rpt_report_periods') }}
),

fct_receivable_events as (
    select * from {{ ref('fct_receivable_events') }}
),

dim_customer_risk as (
    select * from {{ ref('dim_customer_risk') }}
),

written_off as (
    select
        fct_receivable_events.customer_key,
        -sum(fct_receivable_events.open_amount_effect) as written_off_amount,
        count(distinct fct_receivable_events.invoice_id) as invoice_count
    from fct_receivable_events
    inner join rpt_report_periods
        on
            fct_receivable_events.event_date >= rpt_report_periods.report_quarter_start
            and fct_receivable_events.event_date < rpt_report_periods.next_quarter_start
    where fct_receivable_events.ledger_axis = 'write_off'
    group by fct_receivable_events.customer_key
),

final as (
    select
        written_off.customer_key,
        cast(
            row_number() over (order by written_off.written_off_amount desc, written_off.customer_key)
            as {{ dbt.type_int() }}
        ) as write_off_rank,
        dim_customer_risk.customer_name,
        dim_customer_risk.owner_team,
        dim_customer_risk.segment,
        dim_customer_risk.risk_segment,
        dim_customer_risk.risk_segment_label_ja,
        cast(written_off.invoice_count as {{ dbt.type_bigint() }}) as invoice_count,
        cast(written_off.written_off_amount as decimal(38, 2)) as written_off_amount
    from written_off
    left join dim_customer_risk
        on written_off.customer_key = dim_customer_risk.customer_key
)

select * from final
