-- 担当者別KPI (weekly) — one row per assignee and ISO week (Monday start) up to the as-of date:
-- what each collector handled, how (activities by channel), how fast (lead time), how reliably
-- (SLA breaches, backlog, recurrence, first-contact resolution, promises kept) and what was
-- collected on the accounts they own (kpis.md, people and process; seed document 000). Every ratio
-- is stored with its additive parts; a roll-up sums the parts and divides last.
-- The body is the macro collector_kpis_by_period (macros/collector_kpis.sql), shared with the monthly mart.
{{ collector_kpis_by_period('week') }}
