"""Operator tools that run against a deployed stack (see README, "Publishing content")."""
