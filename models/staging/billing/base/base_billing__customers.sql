-- Every row of billing/customers as read, typed, with the contract rule it breaks (null = valid).
{{ config(materialized="table") }}
{{ stage_landing(source('billing', 'customers')) }}
