-- 担当者別KPI (monthly) — one row per assignee and calendar month up to the as-of date: the weekly
-- mart's measures summed from the same daily parts (ISO weeks straddle months, so the month is not
-- a sum of weeks), the median lead time recomputed from the month's tasks, and seed document 004's
-- extra measures: calls and visits per working day (Monday to Friday of the period), legal filings
-- and judgments won and lost for legal staff.
-- The body is the macro collector_kpis_by_period (macros/collector_kpis.sql), shared with the weekly mart.
{{ collector_kpis_by_period('month') }}
