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
    # The same selects are flagged under both versions: each iteration allocates a timer and channel.
    assert [line for line, _ in old] == [line for line, _ in new] and len(old) == 7
    # Only a timer that can still be pending when the loop goes round again leaks before Go 1.23;
    # cancellable sleeps in periodic loops (each timer fires first) are reported without the claim.
    pending = [m for _, m in old if "not freed until it fires" in m]
    assert len(pending) == 6
    assert not any("not freed" in m for _, m in new)
    assert sum("polling select" in m for _, m in new) == 1


def test_write_string_conversion_buffers_only_before_go_1_22_and_never_short_constants() -> None:
    old = _findings("write-string-conversion", "go 1.21")
    new = _findings("write-string-conversion", "go 1.22")
    extra = [m for line, m in old if (line, m) not in new]
    # Before 1.22 the in-memory buffers copy []byte(s) to the heap: buffer() and build() are flagged.
    assert len(extra) == 2 and all("WriteString(p)" in m or "WriteString(s)" in m for m in extra)
    # A short constant (`buf.Write([]byte("\\n"))`) is a stack copy in every version.
    src = (TESTDATA / "write-string-conversion" / "write.go").read_text().splitlines()
    line = next(i for i, text in enumerate(src, start=1) if 'buf.Write([]byte("\\n"))' in text)
    assert line not in {n for n, _ in old}
