"""Deploy-time custom resource that bakes config.json into the Lambda@Edge function."""
