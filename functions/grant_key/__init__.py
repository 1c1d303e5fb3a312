"""The stack's grant key: its format in Secrets Manager, and the custom resource making it."""
