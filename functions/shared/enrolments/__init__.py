"""Enrolments: who may read which course, and the course records they point at (DynamoDB)."""
