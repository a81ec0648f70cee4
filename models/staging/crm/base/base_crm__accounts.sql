-- Every row of crm/accounts as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(source('crm', 'accounts')) }}
