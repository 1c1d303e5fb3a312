"""Operator tools: publishing (`bin/content`), the demo page (`make demo`), finding the stack
(see docs/publishing.md)."""
