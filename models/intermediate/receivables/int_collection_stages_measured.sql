-- 督促ステージ別回収率 computed (fct_collection_stages_monthly publishes it): per stage (soft, hard,
-- legal), entry month, owner team and segment, the invoices, amount and debtors that entered the
-- stage and, of that cohort, the amount and debtors paid while still in the stage, whenever paid up
-- to as_of_date (seed 004: the share of what entered a stage that was paid in it). An invoice's
-- stage on day d is legal when legal_entered_date <= d, else hard when hard_entered_date <= d, else
-- soft when soft_entered_date <= d; it enters a stage on the first day that rule gives it and leaves
-- it when it enters a later one. The amount entering is the open amount at the start of the entry
-- day (for soft, at the end of the due date). Soft and hard are paid by cash applied net of
-- reversals plus fees deducted; legal by the legal system's recoveries, with the amount transferred
-- to legal as its base, both of the cases opened in the month (the cohort of a legal case is its
-- opening month). stage_recovery_pct = paid in the stage / recovery base × 100 of one cohort.
-- collected_in_month_amount is the flow view: what was collected in the month while in the stage
-- (legal: recovered in the month), whatever month the invoice entered it; it is no cohort's share.
with int_invoice_stages_dated as (
    select * from {{ ref('int_invoice_stages_dated') }}
),

int_invoice_balances_versioned as (
    select * from {{ ref('int_invoice_balances_versioned') }}
),

int_receivable_events_unioned as (
    select * from {{ ref('int_receivable_events_unioned') }}
),

int_invoices_resolved as (
    select * from {{ ref('int_invoices_resolved') }}
),

stg_legal__case_invoices as (
    select * from {{ ref('stg_legal__case_invoices') }}
),

stg_legal__cases as (
    select * from {{ ref('stg_legal__cases') }}
),

stg_legal__recoveries as (
    select * from {{ ref('stg_legal__recoveries') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

int_months_spanned as (
    select * from {{ ref('int_months_spanned') }}
),

int_customers_attributed as (
    select * from {{ ref('int_customers_attributed') }}
),

stages as (
    select 'soft' as collection_stage, 1 as collection_stage_order
    union all
    select 'hard' as collection_stage, 2 as collection_stage_order
    union all
    select 'legal' as collection_stage, 3 as collection_stage_order
),

-- Each stage an invoice entered, with the day it left it (entered a later stage); null while in it.
stage_entries as (
    select
        invoice_id,
        customer_key,
        'soft' as collection_stage,
        soft_entered_date as entered_date,
        case
            when hard_entered_date is null then legal_entered_date
            when legal_entered_date is null then hard_entered_date
            when hard_entered_date < legal_entered_date then hard_entered_date
            else legal_entered_date
        end as left_date
    from int_invoice_stages_dated
    where
        soft_entered_date is not null
        and (hard_entered_date is null or hard_entered_date > soft_entered_date)
        and (legal_entered_date is null or legal_entered_date > soft_entered_date)
    union all
    select
        invoice_id,
        customer_key,
        'hard' as collection_stage,
        hard_entered_date as entered_date,
        legal_entered_date as left_date
    from int_invoice_stages_dated
    where
        hard_entered_date is not null
        and (legal_entered_date is null or legal_entered_date > hard_entered_date)
    union all
    select
        invoice_id,
        customer_key,
        'legal' as collection_stage,
        legal_entered_date as entered_date,
        cast(null as date) as left_date
    from int_invoice_stages_dated
    where legal_entered_date is not null
),

entry_amounts as (
    select
        stage_entries.invoice_id,
        stage_entries.collection_stage,
        stage_entries.entered_date,
        stage_entries.left_date,
        {{ month_start('stage_entries.entered_date') }} as month_start,
        stage_entries.customer_key,
        int_invoice_balances_versioned.open_amount as entered_amount
    from stage_entries
    inner join int_invoice_balances_versioned
        on
            stage_entries.invoice_id = int_invoice_balances_versioned.invoice_id
            and int_invoice_balances_versioned.valid_from <= {{ add_days('stage_entries.entered_date', -1) }}
            and (
                int_invoice_balances_versioned.valid_to > {{ add_days('stage_entries.entered_date', -1) }}
                or int_invoice_balances_versioned.valid_to is null
            )
    where int_invoice_balances_versioned.open_amount > 0
),

-- Collections (cash applied net of reversals, plus fees deducted; the ledger holds events up to
-- as_of_date), each with the stage its invoice was in that day; none on or before the due date.
collections as (
    select
        int_receivable_events_unioned.invoice_id,
        int_receivable_events_unioned.event_date,
        int_invoice_stages_dated.customer_key,
        case
            when int_receivable_events_unioned.event_date >= int_invoice_stages_dated.legal_entered_date then 'legal'
            when int_receivable_events_unioned.event_date >= int_invoice_stages_dated.hard_entered_date then 'hard'
            when int_receivable_events_unioned.event_date >= int_invoice_stages_dated.soft_entered_date then 'soft'
        end as collection_stage,
        -1 * int_receivable_events_unioned.open_amount_effect as collected_amount
    from int_receivable_events_unioned
    inner join int_invoice_stages_dated
        on int_receivable_events_unioned.invoice_id = int_invoice_stages_dated.invoice_id
    where int_receivable_events_unioned.ledger_axis = 'collection'
),

-- Soft and hard cohorts: what each entry was paid from its entry day until it left the stage.
cohort_payments as (
    select
        entry_amounts.collection_stage,
        entry_amounts.month_start,
        entry_amounts.customer_key,
        collections.collected_amount as paid_in_stage_amount
    from entry_amounts
    inner join collections
        on
            entry_amounts.invoice_id = collections.invoice_id
            and collections.event_date >= entry_amounts.entered_date
            and (entry_amounts.left_date is null or collections.event_date < entry_amounts.left_date)
    where entry_amounts.collection_stage in ('soft', 'hard')
),

-- Legal cases opened by as_of_date, each with its debtor (the customer of the invoices it covers).
legal_cases as (
    select
        stg_legal__cases.legal_case_id,
        {{ month_start('stg_legal__cases.opened_date') }} as month_start,
        min(int_invoices_resolved.customer_key) as customer_key,
        sum(stg_legal__case_invoices.transferred_amount) as transferred_amount
    from stg_legal__cases
    inner join stg_legal__case_invoices on stg_legal__cases.legal_case_id = stg_legal__case_invoices.legal_case_id
    inner join int_invoices_resolved on stg_legal__case_invoices.invoice_id = int_invoices_resolved.invoice_id
    cross join int_reporting_dates
    where stg_legal__cases.opened_date <= int_reporting_dates.as_of_date
    group by stg_legal__cases.legal_case_id, {{ month_start('stg_legal__cases.opened_date') }}
),

legal_recoveries as (
    select
        legal_cases.month_start as opened_month_start,
        {{ month_start('stg_legal__recoveries.recovery_date') }} as recovery_month_start,
        legal_cases.customer_key,
        stg_legal__recoveries.recovered_amount
    from stg_legal__recoveries
    inner join legal_cases on stg_legal__recoveries.legal_case_id = legal_cases.legal_case_id
    cross join int_reporting_dates
    where stg_legal__recoveries.recovery_date <= int_reporting_dates.as_of_date
),

customer_parts as (
    select
        collection_stage,
        month_start,
        customer_key,
        1 as entered_invoice_count,
        entered_amount,
        0 as transferred_amount,
        0 as paid_in_stage_amount,
        0 as collected_in_month_amount
    from entry_amounts
    union all
    select
        'legal' as collection_stage,
        month_start,
        customer_key,
        0 as entered_invoice_count,
        0 as entered_amount,
        transferred_amount,
        0 as paid_in_stage_amount,
        0 as collected_in_month_amount
    from legal_cases
    union all
    select
        collection_stage,
        month_start,
        customer_key,
        0 as entered_invoice_count,
        0 as entered_amount,
        0 as transferred_amount,
        paid_in_stage_amount,
        0 as collected_in_month_amount
    from cohort_payments
    union all
    select
        'legal' as collection_stage,
        opened_month_start as month_start,
        customer_key,
        0 as entered_invoice_count,
        0 as entered_amount,
        0 as transferred_amount,
        recovered_amount as paid_in_stage_amount,
        0 as collected_in_month_amount
    from legal_recoveries
    union all
    select
        collection_stage,
        {{ month_start('event_date') }} as month_start,
        customer_key,
        0 as entered_invoice_count,
        0 as entered_amount,
        0 as transferred_amount,
        0 as paid_in_stage_amount,
        collected_amount as collected_in_month_amount
    from collections
    where collection_stage in ('soft', 'hard')
    union all
    select
        'legal' as collection_stage,
        recovery_month_start as month_start,
        customer_key,
        0 as entered_invoice_count,
        0 as entered_amount,
        0 as transferred_amount,
        0 as paid_in_stage_amount,
        recovered_amount as collected_in_month_amount
    from legal_recoveries
),

customer_months as (
    select
        collection_stage,
        month_start,
        customer_key,
        sum(entered_invoice_count) as entered_invoice_count,
        sum(entered_amount) as entered_amount,
        sum(transferred_amount) as transferred_amount,
        sum(paid_in_stage_amount) as paid_in_stage_amount,
        sum(collected_in_month_amount) as collected_in_month_amount
    from customer_parts
    group by collection_stage, month_start, customer_key
),

-- A debtor entered a stage in the month when an invoice of theirs entered it (or, for legal, was
-- transferred); a debtor of the cohort paid in the stage when their net payments in it were positive.
group_months as (
    select
        customer_months.collection_stage,
        customer_months.month_start,
        coalesce(int_customers_attributed.owner_team, '(unassigned)') as owner_team,
        coalesce(int_customers_attributed.segment, '(unassigned)') as segment,
        sum(case
            when customer_months.entered_invoice_count > 0 or customer_months.transferred_amount > 0
                then 1
            else 0
        end) as entered_debtor_count,
        sum(customer_months.entered_invoice_count) as entered_invoice_count,
        sum(customer_months.entered_amount) as entered_amount,
        sum(customer_months.transferred_amount) as transferred_amount,
        sum(case
            when
                (customer_months.entered_invoice_count > 0 or customer_months.transferred_amount > 0)
                and customer_months.paid_in_stage_amount > 0
                then 1
            else 0
        end) as paid_in_stage_debtor_count,
        sum(customer_months.paid_in_stage_amount) as paid_in_stage_amount,
        sum(customer_months.collected_in_month_amount) as collected_in_month_amount
    from customer_months
    inner join int_customers_attributed on customer_months.customer_key = int_customers_attributed.customer_key
    group by
        customer_months.collection_stage,
        customer_months.month_start,
        coalesce(int_customers_attributed.owner_team, '(unassigned)'),
        coalesce(int_customers_attributed.segment, '(unassigned)')
),

-- Every stage and month for every team and segment that ever appears, so quiet months show zeros.
groups as (
    select distinct owner_team, segment
    from group_months
),

grid as (
    select
        stages.collection_stage,
        stages.collection_stage_order,
        int_months_spanned.month_start,
        int_months_spanned.is_month_in_progress,
        groups.owner_team,
        groups.segment
    from stages
    cross join int_months_spanned
    cross join groups
),

filled as (
    select
        grid.collection_stage,
        grid.collection_stage_order,
        grid.month_start,
        grid.is_month_in_progress,
        grid.owner_team,
        grid.segment,
        cast(coalesce(group_months.entered_debtor_count, 0) as bigint) as entered_debtor_count,
        cast(coalesce(group_months.entered_invoice_count, 0) as bigint) as entered_invoice_count,
        coalesce(group_months.entered_amount, 0) as entered_amount,
        coalesce(group_months.transferred_amount, 0) as transferred_amount,
        cast(coalesce(group_months.paid_in_stage_debtor_count, 0) as bigint) as paid_in_stage_debtor_count,
        coalesce(group_months.paid_in_stage_amount, 0) as paid_in_stage_amount,
        coalesce(group_months.collected_in_month_amount, 0) as collected_in_month_amount
    from grid
    left join group_months
        on
            grid.collection_stage = group_months.collection_stage
            and grid.month_start = group_months.month_start
            and grid.owner_team = group_months.owner_team
            and grid.segment = group_months.segment
),

final as (
    select
        month_start,
        collection_stage,
        collection_stage_order,
        owner_team,
        segment,
        is_month_in_progress,
        entered_debtor_count,
        entered_invoice_count,
        entered_amount,
        transferred_amount,
        case when collection_stage = 'legal' then transferred_amount else entered_amount end as recovery_base_amount,
        paid_in_stage_debtor_count,
        paid_in_stage_amount,
        {{ ratio('paid_in_stage_amount', "case when collection_stage = 'legal' then transferred_amount else entered_amount end", 100) }}  -- noqa: LT05
            as stage_recovery_pct,
        {{ ratio('paid_in_stage_debtor_count', 'entered_debtor_count', 100) }} as stage_debtor_recovery_pct,
        collected_in_month_amount
    from filled
)

select * from final
