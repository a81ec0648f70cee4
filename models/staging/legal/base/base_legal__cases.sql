-- Every row of legal/cases as read, typed, with the contract rule it breaks (null = valid).
{{ config(materialized="table") }}
{{ stage_landing(source('legal', 'cases')) }}
