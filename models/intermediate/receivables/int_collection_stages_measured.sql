-- 督促ステージ別回収率 computed (fct_collection_stages_monthly publishes it): per stage (soft, hard,
-- legal), month, owner team and segment, the invoices, amount and debtors that entered the stage and
-- the amount and debtors paid while in it. An invoice's stage on day d is legal when
-- legal_entered_date <= d, else hard when hard_entered_date <= d, else soft when soft_entered_date <= d;
-- it enters a stage on the first day that rule gives it. The amount entering is the open amount at
-- the start of the entry day (for soft, at the end of the due date); for legal the recovery base is
-- the amount transferred to legal (case invoices, by case opened month).
-- stage_recovery_pct = collected in the stage / recovery base × 100, both within the month.
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

stage_entries as (
    select invoice_id, customer_key, 'soft' as collection_stage, soft_entered_date as entered_date
    from int_invoice_stages_dated
    where
        soft_entered_date is not null
        and (hard_entered_date is null or hard_entered_date > soft_entered_date)
        and (legal_entered_date is null or legal_entered_date > soft_entered_date)
    union all
    select invoice_id, customer_key, 'hard' as collection_stage, hard_entered_date as entered_date
    from int_invoice_stages_dated
    where
        hard_entered_date is not null
        and (legal_entered_date is null or legal_entered_date > hard_entered_date)
    union all
    select invoice_id, customer_key, 'legal' as collection_stage, legal_entered_date as entered_date
    from int_invoice_stages_dated
    where legal_entered_date is not null
),

entry_amounts as (
    select
        stage_entries.collection_stage,
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

legal_transfers as (
    select
        'legal' as collection_stage,
        {{ month_start('stg_legal__cases.opened_date') }} as month_start,
        int_invoices_resolved.customer_key,
        stg_legal__case_invoices.transferred_amount
    from stg_legal__case_invoices
    inner join stg_legal__cases on stg_legal__case_invoices.legal_case_id = stg_legal__cases.legal_case_id
    inner join int_invoices_resolved on stg_legal__case_invoices.invoice_id = int_invoices_resolved.invoice_id
    cross join int_reporting_dates
    where stg_legal__cases.opened_date <= int_reporting_dates.as_of_date
),

-- Collections (cash applied net of reversals, plus fees deducted) with the stage on their date;
-- a collection while the invoice is in no stage (on or before its due date) is left out.
staged_collections as (
    select
        case
            when int_receivable_events_unioned.event_date >= int_invoice_stages_dated.legal_entered_date then 'legal'
            when int_receivable_events_unioned.event_date >= int_invoice_stages_dated.hard_entered_date then 'hard'
            when int_receivable_events_unioned.event_date >= int_invoice_stages_dated.soft_entered_date then 'soft'
        end as collection_stage,
        {{ month_start('int_receivable_events_unioned.event_date') }} as month_start,
        int_invoice_stages_dated.customer_key,
        -1 * int_receivable_events_unioned.open_amount_effect as collected_amount
    from int_receivable_events_unioned
    inner join int_invoice_stages_dated
        on int_receivable_events_unioned.invoice_id = int_invoice_stages_dated.invoice_id
    where int_receivable_events_unioned.ledger_axis = 'collection'
),

customer_parts as (
    select
        collection_stage,
        month_start,
        customer_key,
        1 as entered_invoice_count,
        entered_amount,
        0 as transferred_amount,
        0 as collected_amount
    from entry_amounts
    union all
    select
        collection_stage,
        month_start,
        customer_key,
        0 as entered_invoice_count,
        0 as entered_amount,
        transferred_amount,
        0 as collected_amount
    from legal_transfers
    union all
    select
        collection_stage,
        month_start,
        customer_key,
        0 as entered_invoice_count,
        0 as entered_amount,
        0 as transferred_amount,
        collected_amount
    from staged_collections
    where collection_stage is not null
),

customer_months as (
    select
        collection_stage,
        month_start,
        customer_key,
        sum(entered_invoice_count) as entered_invoice_count,
        sum(entered_amount) as entered_amount,
        sum(transferred_amount) as transferred_amount,
        sum(collected_amount) as collected_amount
    from customer_parts
    group by collection_stage, month_start, customer_key
),

-- A debtor entered a stage in the month when an invoice of theirs entered it (or, for legal, was
-- transferred); a debtor paid in the stage when their net collections in it were positive.
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
        sum(case when customer_months.collected_amount > 0 then 1 else 0 end) as collected_debtor_count,
        sum(customer_months.collected_amount) as collected_amount
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
        cast(coalesce(group_months.collected_debtor_count, 0) as bigint) as collected_debtor_count,
        coalesce(group_months.collected_amount, 0) as collected_amount
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
        collected_debtor_count,
        collected_amount,
        {{ ratio('collected_amount', "case when collection_stage = 'legal' then transferred_amount else entered_amount end", 100) }}  -- noqa: LT05
            as stage_recovery_pct,
        {{ ratio('collected_debtor_count', 'entered_debtor_count', 100) }} as stage_debtor_recovery_pct
    from filled
)

select * from final
