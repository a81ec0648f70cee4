-- Columns written by Jinja loops: layout (LT02) unchecked, see .sqlfluff.
-- noqa: disable=LT02
-- 月次KPI — one row per month for the whole company with every KPI of kpis.md by its column name,
-- its additive parts, and its target (seed kpi_targets, seed document 001) with the achievement.
-- Receivable KPIs come from the summed parts of fct_ar_monthly (macros/receivable_kpis.sql), the same
-- definitions as the team and segment marts; working-capital KPIs from the general ledger's month-end
-- balances and monthly flows; the cash improvement rate from the bank's month-end balances.
{%- set targeted_kpis = [
    'dso_days', 'ar_turnover', 'overdue_ratio_pct', 'collection_efficiency_pct', 'dio_days', 'dpo_days', 'ccc_days',
    'cash_improvement_pct', 'current_ratio_pct', 'quick_ratio_pct', 'cash_liquidity_months',
] %}

with company_kpis as (
    {{ receivable_kpis_by_month(ref('fct_ar_monthly')) | indent(4) }}
),

kpi_targets as (
    select * from {{ ref('kpi_targets') }}
),

gl_balances as (
    select * from {{ ref('int_gl_balances_monthly') }}
),

cash_balances as (
    select * from {{ ref('fct_cash_balances_monthly') }}
),

-- Balance-sheet amounts at month-end with their natural sign (assets and liabilities positive), and
-- the month's flows. The allowance for doubtful accounts is a contra-asset within current assets.
gl_month_ends as (
    select
        month_start,
        {%- for category in ['cash', 'short_term_securities', 'accounts_receivable', 'notes_receivable', 'inventory',
            'other_current_asset', 'allowance_for_doubtful_accounts'] %}
        sum(case when account_category = '{{ category }}' then ending_balance_amount else 0 end)
            as {{ category }}_amount,
        {%- endfor %}
        -1 * sum(case when account_category = 'accounts_payable' then ending_balance_amount else 0 end)
            as accounts_payable_amount,
        -1 * sum(case when account_category = 'other_current_liability' then ending_balance_amount else 0 end)
            as other_current_liability_amount,
        sum(case when account_category = 'cost_of_sales' then period_net_amount else 0 end) as cost_of_sales_amount,
        sum(case when account_category = 'purchases' then period_net_amount else 0 end) as purchases_amount,
        -1 * sum(case when account_category = 'revenue' then period_net_amount else 0 end) as revenue_amount
    from gl_balances
    group by month_start
),

working_capital as (
    select
        company_kpis.month_start as working_capital_month_start,
        gl_month_ends.inventory_amount,
        gl_month_ends.accounts_payable_amount,
        gl_month_ends.cost_of_sales_amount,
        gl_month_ends.purchases_amount,
        gl_month_ends.revenue_amount,
        gl_month_ends.cash_amount + gl_month_ends.short_term_securities_amount as cash_and_securities_amount,
        gl_month_ends.cash_amount
        + gl_month_ends.short_term_securities_amount
        + gl_month_ends.accounts_receivable_amount
        + gl_month_ends.notes_receivable_amount
            + gl_month_ends.inventory_amount + gl_month_ends.other_current_asset_amount
            + gl_month_ends.allowance_for_doubtful_accounts_amount as current_assets_amount,
        gl_month_ends.cash_amount + gl_month_ends.short_term_securities_amount
            + gl_month_ends.accounts_receivable_amount + gl_month_ends.notes_receivable_amount as quick_assets_amount,
        gl_month_ends.accounts_payable_amount + gl_month_ends.other_current_liability_amount
            as current_liabilities_amount,
        {{ pct(
            'gl_month_ends.inventory_amount * company_kpis.days_in_period',
            'gl_month_ends.cost_of_sales_amount',
            scale=1
        ) }} as dio_days,
        {{ pct(
            'gl_month_ends.accounts_payable_amount * company_kpis.days_in_period',
            'gl_month_ends.purchases_amount',
            scale=1
        ) }} as dpo_days,
        cash_balances.month_end_balance_amount as bank_cash_balance_amount,
        cash_balances.base_month_end_balance_amount as bank_cash_base_balance_amount
    from company_kpis
    left join gl_month_ends on company_kpis.month_start = gl_month_ends.month_start
    left join cash_balances
        on company_kpis.month_start = cash_balances.month_start and cash_balances.is_all_accounts
),

working_capital_kpis as (
    select
        working_capital.*,
        round(dso_days + working_capital.dio_days - working_capital.dpo_days, 2) as ccc_days,
        {{ pct(
            'bank_cash_balance_amount - bank_cash_base_balance_amount',
            'bank_cash_base_balance_amount'
        ) }} as cash_improvement_pct,
        {{ pct('current_assets_amount', 'current_liabilities_amount') }}
            as current_ratio_pct,
        {{ pct('quick_assets_amount', 'current_liabilities_amount') }}
            as quick_ratio_pct,
        {{ pct('cash_and_securities_amount', 'revenue_amount', scale=1) }} as cash_liquidity_months
    from working_capital
    inner join company_kpis on working_capital.working_capital_month_start = company_kpis.month_start
),

-- The target in force for a month: the latest valid_from on or before the month's start.
targets_in_force as (
    select
        company_kpis.month_start,
        kpi_targets.kpi_name,
        kpi_targets.target_value,
        kpi_targets.direction,
        row_number() over (
            partition by company_kpis.month_start, kpi_targets.kpi_name order by kpi_targets.valid_from desc
        ) as target_rank
    from company_kpis
    inner join kpi_targets on kpi_targets.valid_from <= company_kpis.month_start
),

targets as (
    select
        month_start as target_month_start,
        {%- for kpi in targeted_kpis %}
        cast(max(case when kpi_name = '{{ kpi }}' then target_value end) as double) as {{ kpi }}_target,
        max(case when kpi_name = '{{ kpi }}' then direction end) as {{ kpi }}_direction{{ ',' if not loop.last }}
        {%- endfor %}
    from targets_in_force
    where target_rank = 1
    group by month_start
),

final as (
    select
        {{ receivable_kpi_select_list() | indent(8) }},
        {%- for column in ['inventory_amount', 'accounts_payable_amount', 'cost_of_sales_amount', 'purchases_amount',
            'revenue_amount', 'cash_and_securities_amount', 'current_assets_amount', 'quick_assets_amount',
            'current_liabilities_amount', 'bank_cash_balance_amount', 'bank_cash_base_balance_amount'] %}
        cast(working_capital_kpis.{{ column }} as decimal(38, 2)) as {{ column }},
        {%- endfor %}
        working_capital_kpis.dio_days,
        working_capital_kpis.dpo_days,
        working_capital_kpis.ccc_days,
        working_capital_kpis.cash_improvement_pct,
        working_capital_kpis.current_ratio_pct,
        working_capital_kpis.quick_ratio_pct,
        working_capital_kpis.cash_liquidity_months,
        {%- for kpi in targeted_kpis %}
        targets.{{ kpi }}_target,
        {{ target_achievement(kpi, 'targets.' ~ kpi ~ '_target', 'targets.' ~ kpi ~ '_direction') }}
            as {{ kpi }}_target_achievement_pct{{ ',' if not loop.last }}
        {%- endfor %}
    from company_kpis
    inner join working_capital_kpis on company_kpis.month_start = working_capital_kpis.working_capital_month_start
    left join targets on company_kpis.month_start = targets.target_month_start
)

select * from final
