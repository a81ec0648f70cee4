-- Every row of accounting/accounts as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(source('accounting', 'accounts')) }}
