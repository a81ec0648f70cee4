-- 法務担当者別月次 (legal collection per month and legal assignee; seed document 004 indicator 4 and its
-- further measures: judgments won per lawyer, filings per day/month, cost of collection per stage) —
-- additive parts only, each dated on its own day: cases opened and amount transferred (opened_date),
-- cases closed (closed_date), cases open at the period end, filings and judgments (event_date),
-- recoveries and their costs (recovery_date), event costs (event_date). One row per assignee and month
-- in which the assignee held an open case or recorded anything; legal_staff_count is 1 on each row, so
-- "filings per legal staff" over any period or team = sum(filings_count) / sum(legal_staff_count)
-- (filings per staff-month).
with fct_legal_cases as (
    select * from {{ ref('fct_legal_cases') }}
),

stg_legal__events as (
    select * from {{ ref('stg_legal__events') }}
),

stg_legal__recoveries as (
    select * from {{ ref('stg_legal__recoveries') }}
),

int_months_spanned as (
    select * from {{ ref('int_months_spanned') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

-- A case held in the month: opened by its period end, not closed before it began.
caseload as (
    select
        int_months_spanned.month_start,
        fct_legal_cases.legal_assignee_id,
        case
            when fct_legal_cases.closed_date is null or fct_legal_cases.closed_date > int_months_spanned.period_end_date
                then 1
            else 0
        end as open_case_count
    from fct_legal_cases
    inner join int_months_spanned
        on
            fct_legal_cases.opened_date <= int_months_spanned.period_end_date
            and (fct_legal_cases.closed_date is null or fct_legal_cases.closed_date >= int_months_spanned.month_start)
),

event_parts as (
    select
        {{ month_start('stg_legal__events.event_date') }} as month_start,
        fct_legal_cases.legal_assignee_id,
        case when stg_legal__events.event_type = 'filing' then 1 else 0 end as filings_count,
        case when stg_legal__events.event_type = 'judgment_won' then 1 else 0 end as judgments_won_count,
        case when stg_legal__events.event_type = 'judgment_lost' then 1 else 0 end as judgments_lost_count,
        coalesce(stg_legal__events.event_cost, 0) as event_cost_amount
    from stg_legal__events
    inner join fct_legal_cases on stg_legal__events.legal_case_id = fct_legal_cases.legal_case_id
    cross join int_reporting_dates
    where stg_legal__events.event_date <= int_reporting_dates.as_of_date
),

recovery_parts as (
    select
        {{ month_start('stg_legal__recoveries.recovery_date') }} as month_start,
        fct_legal_cases.legal_assignee_id,
        stg_legal__recoveries.recovered_amount,
        coalesce(stg_legal__recoveries.recovery_cost, 0) as recovery_cost_amount
    from stg_legal__recoveries
    inner join fct_legal_cases on stg_legal__recoveries.legal_case_id = fct_legal_cases.legal_case_id
    cross join int_reporting_dates
    where stg_legal__recoveries.recovery_date <= int_reporting_dates.as_of_date
),

parts as (
    select
        month_start,
        legal_assignee_id,
        0 as cases_opened_count,
        0 as transferred_amount,
        0 as cases_closed_count,
        open_case_count,
        0 as filings_count,
        0 as judgments_won_count,
        0 as judgments_lost_count,
        0 as recovered_amount,
        0 as recovery_cost_amount,
        0 as event_cost_amount
    from caseload
    union all
    select
        {{ month_start('opened_date') }} as month_start,
        legal_assignee_id,
        1 as cases_opened_count,
        transferred_amount,
        0 as cases_closed_count,
        0 as open_case_count,
        0 as filings_count,
        0 as judgments_won_count,
        0 as judgments_lost_count,
        0 as recovered_amount,
        0 as recovery_cost_amount,
        0 as event_cost_amount
    from fct_legal_cases
    union all
    select
        {{ month_start('closed_date') }} as month_start,
        legal_assignee_id,
        0 as cases_opened_count,
        0 as transferred_amount,
        1 as cases_closed_count,
        0 as open_case_count,
        0 as filings_count,
        0 as judgments_won_count,
        0 as judgments_lost_count,
        0 as recovered_amount,
        0 as recovery_cost_amount,
        0 as event_cost_amount
    from fct_legal_cases
    where closed_date is not null
    union all
    select
        month_start,
        legal_assignee_id,
        0 as cases_opened_count,
        0 as transferred_amount,
        0 as cases_closed_count,
        0 as open_case_count,
        filings_count,
        judgments_won_count,
        judgments_lost_count,
        0 as recovered_amount,
        0 as recovery_cost_amount,
        event_cost_amount
    from event_parts
    union all
    select
        month_start,
        legal_assignee_id,
        0 as cases_opened_count,
        0 as transferred_amount,
        0 as cases_closed_count,
        0 as open_case_count,
        0 as filings_count,
        0 as judgments_won_count,
        0 as judgments_lost_count,
        recovered_amount,
        recovery_cost_amount,
        0 as event_cost_amount
    from recovery_parts
),

assignee_months as (
    select
        month_start,
        legal_assignee_id,
        sum(cases_opened_count) as cases_opened_count,
        sum(transferred_amount) as transferred_amount,
        sum(cases_closed_count) as cases_closed_count,
        sum(open_case_count) as open_case_count,
        sum(filings_count) as filings_count,
        sum(judgments_won_count) as judgments_won_count,
        sum(judgments_lost_count) as judgments_lost_count,
        sum(recovered_amount) as recovered_amount,
        sum(recovery_cost_amount) as recovery_cost_amount,
        sum(event_cost_amount) as event_cost_amount
    from parts
    group by month_start, legal_assignee_id
),

final as (
    select
        assignee_months.month_start,
        assignee_months.legal_assignee_id,
        int_months_spanned.is_month_in_progress,
        cast(1 as bigint) as legal_staff_count,
        cast(assignee_months.cases_opened_count as bigint) as cases_opened_count,
        cast(assignee_months.transferred_amount as decimal(38, 2)) as transferred_amount,
        cast(assignee_months.cases_closed_count as bigint) as cases_closed_count,
        cast(assignee_months.open_case_count as bigint) as open_case_count,
        cast(assignee_months.filings_count as bigint) as filings_count,
        cast(assignee_months.judgments_won_count as bigint) as judgments_won_count,
        cast(assignee_months.judgments_lost_count as bigint) as judgments_lost_count,
        cast(assignee_months.judgments_won_count + assignee_months.judgments_lost_count as bigint)
            as judgments_decided_count,
        cast(assignee_months.recovered_amount as decimal(38, 2)) as recovered_amount,
        cast(assignee_months.recovery_cost_amount as decimal(38, 2)) as recovery_cost_amount,
        cast(assignee_months.event_cost_amount as decimal(38, 2)) as event_cost_amount,
        cast(assignee_months.recovery_cost_amount + assignee_months.event_cost_amount as decimal(38, 2))
            as total_cost_amount,
        {{ ratio('assignee_months.judgments_won_count',
            'assignee_months.judgments_won_count + assignee_months.judgments_lost_count', 100) }}
            as judgments_won_pct,
        {{ ratio('assignee_months.recovery_cost_amount + assignee_months.event_cost_amount',
            'assignee_months.recovered_amount') }} as cost_per_recovered_yen
    from assignee_months
    inner join int_months_spanned on assignee_months.month_start = int_months_spanned.month_start
)

select * from final
