-- Every row of legal/cases as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(source('legal', 'cases')) }}
