"""Lambda@Edge viewer-request authorizer for Cognito JWTs (see app.py)."""
