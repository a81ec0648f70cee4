-- 月次部門別レポート 再発防止策: the recurrence-prevention tags of the exceptions resolved in the report
-- month, one row per tag with the number of exceptions carrying it. resolution_tags is a
-- `;`-separated list; up to 20 tags per exception are read. A part is only taken where the list has
-- that many parts (Spark in ANSI mode fails on an array index beyond the end).
{%- set max_tags = 20 %}
with rpt_report_periods as (
    select * from {{ ref('rpt_report_periods') }}
),

exception_ledger as (
    select * from {{ ref('exception_ledger') }}
),

resolved_this_month as (
    select
        exception_ledger.exception_id,
        exception_ledger.resolution_tags
    from exception_ledger
    inner join rpt_report_periods
        on
            exception_ledger.resolved_at >= rpt_report_periods.report_month_start
            and exception_ledger.resolved_at < rpt_report_periods.next_month_start
    where exception_ledger.resolution_tags is not null
),

tags as (
    {%- for position in range(1, max_tags + 1) %}
        select
            exception_id,
            case
                when
                    {{ dbt.length('resolution_tags') }}
                    - {{ dbt.length(dbt.replace('resolution_tags', "';'", "''")) }}
                    >= {{ position - 1 }}
                    then trim({{ dbt.split_part('resolution_tags', "';'", position) }})
            end as tag
        from resolved_this_month{{ ' union all' if not loop.last }}
    {%- endfor %}
),

counted as (
    select
        tag,
        count(*) as exception_count
    from tags
    where tag is not null and tag <> ''
    group by tag
),

final as (
    select
        tag,
        cast(row_number() over (order by exception_count desc, tag) as {{ dbt.type_int() }}) as tag_rank,
        cast(exception_count as {{ dbt.type_bigint() }}) as exception_count
    from counted
)

select * from final
