-- Every row of crm/assignees as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(source('crm', 'assignees')) }}
