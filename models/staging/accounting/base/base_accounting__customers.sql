-- Every row of accounting/customers as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(source('accounting', 'customers')) }}
