"""perf-review's GitHub App and command line: everything that talks to GitHub, HTTP, jobs or a shell."""
