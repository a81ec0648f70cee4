-- Every row of bank/balances as read, typed, with the contract rule it breaks (null = valid).
{{ config(materialized="table") }}
{{ stage_landing(source('bank', 'balances')) }}
