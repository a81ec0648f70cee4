-- 自動再配分 (workload levelling) — proposed moves of open overdue items (the field worklist) from
-- overloaded to underloaded collectors of the same team, one row per item to move; a proposal for
-- the team lead, nothing is reassigned in the CRM. Deterministic, and the same as the greedy rule
-- "move the lowest-priority item of the most loaded collector to the least loaded one until every
-- collector is within tolerance":
--   load      = open overdue items on the collector's worklist (rpt_field_worklist)
--   target    = the team average: the team's items / its active collectors
--   tolerance = the dbt var workload_tolerance_items (default 2): an active collector is within it
--               when floor(target) − tolerance <= load <= ceil(target) + tolerance; an inactive
--               collector keeps nothing (target 0)
-- Each collector's items leave lowest priority first (the bottom of their worklist); the n-th item
-- to leave (most loaded collector first) goes to the n-th free place (least loaded collector first),
-- so the loads before and after each move are exact in move order.
{%- set tolerance_items = var('workload_tolerance_items', 2) | int %}

with rpt_field_worklist as (
    select * from {{ ref('rpt_field_worklist') }}
),

stg_crm__assignees as (
    select * from {{ ref('stg_crm__assignees') }}
),

collectors as (
    select
        assignee_id,
        team,
        coalesce(is_active, true) as is_active
    from stg_crm__assignees
    where role = 'collector'
),

items as (
    select
        collectors.team,
        collectors.is_active,
        rpt_field_worklist.assignee_id,
        rpt_field_worklist.invoice_id,
        rpt_field_worklist.customer_key,
        rpt_field_worklist.open_amount,
        rpt_field_worklist.days_past_due,
        rpt_field_worklist.priority_score,
        rpt_field_worklist.work_rank
    from rpt_field_worklist
    inner join collectors on rpt_field_worklist.assignee_id = collectors.assignee_id
),

collector_loads as (
    select
        collectors.assignee_id,
        collectors.team,
        collectors.is_active,
        count(items.invoice_id) as load_before
    from collectors
    left join items on collectors.assignee_id = items.assignee_id
    group by collectors.assignee_id, collectors.team, collectors.is_active
),

team_targets as (
    select
        team,
        sum(load_before) as team_item_count,
        sum(case when is_active then 1 else 0 end) as active_collector_count,
        {{ ratio('sum(load_before)', 'sum(case when is_active then 1 else 0 end)') }} as target_load
    from collector_loads
    group by team
),

bands as (
    select
        collector_loads.assignee_id,
        collector_loads.team,
        collector_loads.is_active,
        collector_loads.load_before,
        team_targets.target_load,
        case when collector_loads.is_active then ceil(team_targets.target_load) + {{ tolerance_items }} else 0 end
            as max_load,
        case when collector_loads.is_active then floor(team_targets.target_load) - {{ tolerance_items }} else 0 end
            as min_load
    from collector_loads
    inner join team_targets on collector_loads.team = team_targets.team
    where team_targets.active_collector_count > 0
),

-- Moves needed: enough to bring every collector under its maximum and over its minimum.
team_move_counts as (
    select
        team,
        sum(case when load_before > max_load then load_before - max_load else 0 end) as surplus_count,
        sum(case when is_active and load_before < min_load then min_load - load_before else 0 end) as deficit_count
    from bands
    group by team
),

team_moves as (
    select
        team,
        case when surplus_count >= deficit_count then surplus_count else deficit_count end as move_count
    from team_move_counts
),

-- Each collector's items, lowest priority first; an item's level is the collector's load just
-- before it leaves. Active collectors give only down to their minimum; inactive ones give all.
giving_items as (
    select
        items.*,
        bands.load_before as assignee_load_before,
        bands.min_load,
        bands.load_before - row_number() over (partition by items.assignee_id order by items.work_rank desc) + 1
            as load_level
    from items
    inner join bands on items.assignee_id = bands.assignee_id
),

givers_ordered as (
    select
        giving_items.*,
        row_number() over (
            partition by giving_items.team
            order by
                case when giving_items.is_active then 1 else 0 end,
                giving_items.load_level desc,
                giving_items.assignee_id,
                giving_items.work_rank desc
        ) as move_sequence
    from giving_items
    where not giving_items.is_active or giving_items.load_level > giving_items.min_load
),

digits as (
    {%- for digit in range(10) %}
        select {{ digit }} as digit{{ ' union all' if not loop.last }}
    {%- endfor %}
),

place_numbers as (
    select ones.digit + 10 * tens.digit + 100 * hundreds.digit + 1000 * thousands.digit + 1 as place_number
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands
),

-- Each free place of an active collector, at the load the collector reaches by filling it.
receiving_places as (
    select
        bands.team,
        bands.assignee_id,
        bands.load_before + place_numbers.place_number as load_level
    from bands
    inner join place_numbers on place_numbers.place_number <= bands.max_load - bands.load_before
    where bands.is_active
),

receivers_ordered as (
    select
        receiving_places.*,
        row_number() over (
            partition by receiving_places.team
            order by receiving_places.load_level, receiving_places.assignee_id
        ) as move_sequence
    from receiving_places
),

final as (
    select
        givers_ordered.team,
        cast(givers_ordered.move_sequence as bigint) as move_sequence,
        givers_ordered.invoice_id,
        givers_ordered.customer_key,
        givers_ordered.open_amount,
        givers_ordered.days_past_due,
        givers_ordered.priority_score,
        givers_ordered.assignee_id as from_assignee_id,
        receivers_ordered.assignee_id as to_assignee_id,
        round(cast(team_targets.target_load as double), 2) as team_target_load,
        cast({{ tolerance_items }} as bigint) as tolerance_items,
        cast(givers_ordered.load_level as bigint) as from_load_before,
        cast(givers_ordered.load_level - 1 as bigint) as from_load_after,
        cast(receivers_ordered.load_level - 1 as bigint) as to_load_before,
        cast(receivers_ordered.load_level as bigint) as to_load_after
    from givers_ordered
    inner join team_moves on givers_ordered.team = team_moves.team
    inner join receivers_ordered
        on
            givers_ordered.team = receivers_ordered.team
            and givers_ordered.move_sequence = receivers_ordered.move_sequence
    inner join team_targets on givers_ordered.team = team_targets.team
    where givers_ordered.move_sequence <= team_moves.move_count
)

select * from final
