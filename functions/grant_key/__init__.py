"""The stack's grant key: the custom resource making its first key, and the schedule rotating
it and tidying the grant store."""
