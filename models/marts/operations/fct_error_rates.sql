-- エラー率 (error rates) — one row per calendar month, team and category (kpis.md; seed document 000:
-- 照合/入力/処理エラー件数): errors and items processed, stored as additive parts, and their ratio.
--   matching   = cash-application reversals + deposits whose customer could not be resolved
--                + data_correction tasks of category matching;   items = applications + deposits
--   input      = quarantined landing rows + data_correction tasks of category input;
--                items = landing rows read (staged + quarantined)
--   processing = data_correction tasks of category processing + failed data-quality checks;
--                items = tasks + checks run
-- Team: a task's assignee's team; an application's customer's owner team (the owners do their
-- customers' cash application); `(system)` for what no one works: deposits (bank feed and 名寄せ),
-- landing rows, customers without an owner and data-quality checks.
-- The parts and rates are computed in int_error_rates_measured.
with int_error_rates_measured as (
    select * from {{ ref('int_error_rates_measured') }}
),

final as (
    select
        month_start,
        team,
        error_category,
        reversal_count,
        unresolved_deposit_count,
        quarantined_row_count,
        failed_check_count,
        correction_task_count,
        error_count,
        application_count,
        deposit_count,
        rows_read_count,
        task_count,
        check_run_count,
        items_processed_count,
        error_rate_pct
    from int_error_rates_measured
)

select * from final
