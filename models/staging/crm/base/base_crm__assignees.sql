-- Every row of crm/assignees as read, typed, with the contract rule it breaks (null = valid).
{{ config(materialized="table") }}
{{ stage_landing(source('crm', 'assignees')) }}
