"""Custom resource that keeps a retention on a log group the stack must not own."""
