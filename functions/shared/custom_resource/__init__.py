"""The CloudFormation custom resource protocol, shared by every custom resource function."""
