"""Advice that follows the module's Go version: the same code under an older and a newer `go` line."""

from __future__ import annotations

from analyzers.engine import Options, analyze_files
from tests.ruletest import TESTDATA, load_dir


def _findings(rule_id: str, go_line: str) -> list[tuple[int, str]]:
    files = load_dir(TESTDATA / rule_id)
    files["go.mod"] = f"module example.com/versions\n\n{go_line}\n".encode()
    result = analyze_files(files, Options(enabled_rules=frozenset({rule_id})))
    return sorted((f.line, f.message) for f in result.findings if f.rule == rule_id)


def test_time_after_in_loop_leaks_only_before_go_1_23() -> None:
    old = _findings("time-after-in-loop", "go 1.22")
    new = _findings("time-after-in-loop", "go 1.23")
    assert len(old) == 3 and all("not freed until it fires" in m for _, m in old)
    # From Go 1.23 unreferenced timers are collected: only the polling select (with default),
    # which allocates a timer per spin, is still worth a finding.
    assert len(new) == 1 and "polling select" in new[0][1] and "not freed" not in new[0][1]
    assert new[0][0] in {line for line, _ in old}
