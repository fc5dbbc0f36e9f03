"""`perf-review measure`: base-against-head benchmark runs of the functions a change touches.

stats.py (the statistics, pure), plan.py (which benchmarks, on which side), gorun.py (the Go
toolchain: build test binaries in random code layouts, run them, parse their output), worktree.py (git
worktrees cleaned up on every exit), session.py (interleaved rounds over the layouts within a time
budget), tracks.py (one benchmark's samples across rounds), result.py (the versioned JSON).
The CLI runs the user's own code, by request, in the user's CI; the App only reads the JSON.
"""
