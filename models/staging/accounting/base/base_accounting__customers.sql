-- Every row of accounting/customers as read, typed, with the contract rule it breaks (null = valid).
{{ config(materialized="table") }}
{{ stage_landing(source('accounting', 'customers')) }}
