-- 法的回収案件 (legal cases, kpis.md collection stages: legal; seed document 004 indicator 4 and its
-- further measures) — one row per legal case opened by as_of_date: the customer, the legal assignee,
-- the stage and outcome as of as_of_date, what was transferred to legal, what was recovered, what it
-- cost, filings and judgments. 法的回収率 legal_recovery_pct = recovered / transferred × 100 (seed 004:
-- 10 % can be a good legal result); cost_per_recovered_yen = (recovery costs + event costs) /
-- recovered. Only events and recoveries dated by as_of_date count, so a rebuild of the past gives the
-- past's answer; a case closed after as_of_date is still open then.
with stg_legal__cases as (
    select * from {{ ref('stg_legal__cases') }}
),

stg_legal__case_invoices as (
    select * from {{ ref('stg_legal__case_invoices') }}
),

stg_legal__events as (
    select * from {{ ref('stg_legal__events') }}
),

stg_legal__recoveries as (
    select * from {{ ref('stg_legal__recoveries') }}
),

customer_identity_map as (
    select * from {{ ref('customer_identity_map') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

cases as (
    select stg_legal__cases.*
    from stg_legal__cases
    cross join int_reporting_dates
    where stg_legal__cases.opened_date <= int_reporting_dates.as_of_date
),

events as (
    select stg_legal__events.*
    from stg_legal__events
    cross join int_reporting_dates
    where stg_legal__events.event_date <= int_reporting_dates.as_of_date
),

recoveries as (
    select stg_legal__recoveries.*
    from stg_legal__recoveries
    cross join int_reporting_dates
    where stg_legal__recoveries.recovery_date <= int_reporting_dates.as_of_date
),

transfers as (
    select
        legal_case_id,
        count(*) as invoice_count,
        sum(transferred_amount) as transferred_amount
    from stg_legal__case_invoices
    group by legal_case_id
),

event_totals as (
    select
        legal_case_id,
        sum(case when event_type = 'filing' then 1 else 0 end) as filings_count,
        sum(case when event_type = 'judgment_won' then 1 else 0 end) as judgments_won_count,
        sum(case when event_type = 'judgment_lost' then 1 else 0 end) as judgments_lost_count,
        sum(coalesce(event_cost, 0)) as event_cost_amount
    from events
    group by legal_case_id
),

-- The stage as of as_of_date: the stage of the latest event that names one (any event may carry a
-- stage, sources.md); the legal system's current stage when no event by then names one.
stage_changes_ranked as (
    select
        legal_case_id,
        legal_stage,
        row_number() over (partition by legal_case_id order by event_date desc, legal_stage) as change_rank
    from events
    where legal_stage is not null
),

recovery_totals as (
    select
        legal_case_id,
        sum(recovered_amount) as recovered_amount,
        sum(coalesce(recovery_cost, 0)) as recovery_cost_amount,
        max(recovery_date) as last_recovery_date
    from recoveries
    group by legal_case_id
),

case_facts as (
    select
        cases.legal_case_id,
        customer_identity_map.customer_key,
        cases.debtor_name,
        coalesce(cases.assignee_id, '(unassigned)') as legal_assignee_id,
        cases.agency,
        cases.opened_date,
        case when cases.closed_date <= int_reporting_dates.as_of_date then cases.closed_date end as closed_date,
        coalesce(stage_changes_ranked.legal_stage, cases.current_stage) as legal_stage,
        case when cases.closed_date <= int_reporting_dates.as_of_date then cases.case_outcome end as case_outcome,
        coalesce(transfers.invoice_count, 0) as invoice_count,
        coalesce(transfers.transferred_amount, 0) as transferred_amount,
        coalesce(recovery_totals.recovered_amount, 0) as recovered_amount,
        recovery_totals.last_recovery_date,
        coalesce(recovery_totals.recovery_cost_amount, 0) as recovery_cost_amount,
        coalesce(event_totals.event_cost_amount, 0) as event_cost_amount,
        coalesce(event_totals.filings_count, 0) as filings_count,
        coalesce(event_totals.judgments_won_count, 0) as judgments_won_count,
        coalesce(event_totals.judgments_lost_count, 0) as judgments_lost_count,
        int_reporting_dates.as_of_date
    from cases
    cross join int_reporting_dates
    left join customer_identity_map
        on
            customer_identity_map.source_system = 'legal'
            and cases.legal_case_id = customer_identity_map.source_identifier
    left join transfers on cases.legal_case_id = transfers.legal_case_id
    left join event_totals on cases.legal_case_id = event_totals.legal_case_id
    left join recovery_totals on cases.legal_case_id = recovery_totals.legal_case_id
    left join stage_changes_ranked
        on
            cases.legal_case_id = stage_changes_ranked.legal_case_id
            and stage_changes_ranked.change_rank = 1
),

final as (
    select
        legal_case_id,
        customer_key,
        debtor_name,
        legal_assignee_id,
        agency,
        opened_date,
        closed_date,
        closed_date is not null as is_closed,
        legal_stage,
        case_outcome,
        cast({{ days_between('opened_date', 'coalesce(closed_date, as_of_date)') }} as integer) as case_age_days,
        cast(invoice_count as bigint) as invoice_count,
        transferred_amount,
        recovered_amount,
        last_recovery_date,
        recovery_cost_amount,
        event_cost_amount,
        recovery_cost_amount + event_cost_amount as total_cost_amount,
        cast(filings_count as bigint) as filings_count,
        cast(judgments_won_count as bigint) as judgments_won_count,
        cast(judgments_lost_count as bigint) as judgments_lost_count,
        cast(judgments_won_count + judgments_lost_count as bigint) as judgments_decided_count,
        {{ ratio('recovered_amount', 'transferred_amount', 100) }} as legal_recovery_pct,
        {{ ratio('judgments_won_count', 'judgments_won_count + judgments_lost_count', 100) }} as judgments_won_pct,
        {{ ratio('recovery_cost_amount + event_cost_amount', 'recovered_amount') }} as cost_per_recovered_yen
    from case_facts
)

select * from final
