"""perf-review's Go analysis engine: source bytes (and optionally a diff) in, findings out. No I/O."""
