-- Every row of crm/activities as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(
    source('crm', 'activities'),
    references=[
        {'column': 'crm_account_id', 'to': ref('stg_crm__accounts')},
        {'column': 'assignee_id', 'to': ref('stg_crm__assignees')},
    ]
) }}
