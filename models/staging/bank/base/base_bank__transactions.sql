-- Every row of bank/transactions as read, typed, with the contract rule it breaks (null = valid).
{{ config(materialized="table") }}
{{ stage_landing(source('bank', 'transactions')) }}
