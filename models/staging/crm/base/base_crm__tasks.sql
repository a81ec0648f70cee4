-- Every row of crm/tasks as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(
    source('crm', 'tasks'),
    references=[
        {'column': 'assignee_id', 'to': ref('stg_crm__assignees')},
        {'column': 'reopened_from_task_id', 'to': 'self', 'key': 'task_id'},
    ]
) }}
