"""Enrolment API: the platform backend's enrolments, over IAM-signed requests (see app.py)."""
