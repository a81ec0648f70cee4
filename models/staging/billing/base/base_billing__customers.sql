-- Every row of billing/customers as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(source('billing', 'customers')) }}
