"""The test kit that the tests and the benchmarks share: test-only keys and tokens, grants,
event builders, a Lambda context, builds of the functions, and the killable entry points the
interruption tests run. Never shipped in a function package."""
