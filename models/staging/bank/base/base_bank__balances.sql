-- Every row of bank/balances as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(source('bank', 'balances')) }}
