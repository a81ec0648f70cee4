-- Rule: no staged landing row is dated after the data's as-of date or the run date. A warning: the
-- row is a data-quality finding for its system (a 翌月1日 reversing journal, a mistyped year), and
-- the warehouse still publishes as of a date the future-dated row does not move.
{{ config(severity='warn') }}

select
    source_system,
    source_table,
    source_file,
    source_row_number,
    row_key,
    date_column,
    row_date,
    data_as_of_date,
    run_date,
    finding_reason
from {{ ref('int_future_dated_rows_flagged') }}
