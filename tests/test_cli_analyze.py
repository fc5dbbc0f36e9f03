"""`perf-review analyze`: formats, exit status, bad usage, run as the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.gitrepo import Repo

EXE = str(Path(sys.executable).parent / "perf-review")
# Marked hot: a `+=` loop is a warning where the code runs often (on a merely warm path it is info).
SRC = (
    'package p\n\nfunc Join(xs []string) string { //perf-review:hot\n\ts := ""\n'
    "\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}\n"
)
CLEAN = "package p\n\nfunc Len(xs []string) int { return len(xs) }\n"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_text_format_and_exit_status(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module x\n\ngo 1.22\n")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.go").write_text(SRC)
    proc = run("analyze", "p", "--rules", "string-concat-loop", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first.startswith("p/a.go:6:3: warning string-concat-loop: s += in a loop")
    assert run("analyze", "p", "--rules", "string-concat-loop", "--fail-on", "error", cwd=tmp_path).returncode == 0


def test_unmeasured_findings_are_info_and_say_so_in_text(tmp_path: Path) -> None:
    """Without the mark the `+=` loop is hot by its callers' shape only (a handler calls it): info, tagged
    [unmeasured], exit 0 under the default --fail-on warning; --evidence static makes it the warning again."""
    (tmp_path / "go.mod").write_text("module x\n\ngo 1.22\n")
    (tmp_path / "p").mkdir()
    handler = ('\nimport "net/http"\n\nfunc Serve(w http.ResponseWriter, r *http.Request) '
               '{ _ = Join(r.URL.Query()["x"]) }\n')
    (tmp_path / "p" / "a.go").write_text(SRC.replace(" //perf-review:hot", "").replace("package p\n", "package p\n"
                                                                                         + handler))
    proc = run("analyze", "p", "--rules", "string-concat-loop", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("p/a.go:") and ": info string-concat-loop: s += in a loop" in lines[0]
    assert lines[0].endswith(" [unmeasured]")
    assert lines[-1].startswith("1 info finding(s) [unmeasured] would be warnings by the code's shape alone")
    static = run("analyze", "p", "--rules", "string-concat-loop", "--evidence", "static", cwd=tmp_path)
    assert static.returncode == 1 and ": warning string-concat-loop: " in static.stdout
    assert "[unmeasured]" not in static.stdout
    sarif = json.loads(run("analyze", "p", "--rules", "string-concat-loop", "--format", "sarif", cwd=tmp_path).stdout)
    (result,) = sarif["runs"][0]["results"]
    assert result["level"] == "note" and result["properties"]["unmeasured"] is True


def test_clean_code_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "a.go").write_text(CLEAN)
    proc = run("analyze", str(tmp_path / "a.go"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_json_format_has_the_versioned_names(tmp_path: Path) -> None:
    (tmp_path / "a.go").write_text(SRC)
    proc = run("analyze", str(tmp_path), "--format", "json", "--rules", "string-concat-loop")
    data = json.loads(proc.stdout)
    assert data["version"] == 1
    (finding,) = data["findings"]
    assert set(finding) >= {"rule", "category", "severity", "file", "line", "column", "end_line", "function",
                            "hot_path", "message", "suggestion", "status"}
    (fn,) = data["functions"]
    assert set(fn) >= {"file", "name", "receiver", "start_line", "end_line", "hot_path", "hot_reasons", "change"}
    assert set(data["files"][0]) >= {"file", "functions", "parse_errors"}
    assert data["skipped"] == []


def test_sarif_format(tmp_path: Path) -> None:
    (tmp_path / "a.go").write_text(SRC)
    proc = run("analyze", str(tmp_path), "--format", "sarif", "--rules", "string-concat-loop")
    sarif = json.loads(proc.stdout)
    assert sarif["version"] == "2.1.0"
    run0 = sarif["runs"][0]
    assert run0["tool"]["driver"]["rules"][0]["id"] == "string-concat-loop"
    res = run0["results"][0]
    assert res["ruleId"] == "string-concat-loop" and res["level"] == "warning"
    region = res["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 6 and region["startColumn"] == 3
    assert res["partialFingerprints"]["perfReview/v1"]


def test_change_mode_from_a_repository(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"go.mod": "module x\n\ngo 1.22\n", "p/a.go": CLEAN}, tag="base")
    repo.commit({"p/a.go": CLEAN + "\n" + SRC.split("\n", 2)[2]})
    proc = run("analyze", "--repo", str(repo.path), "--base", "base", "--rules", "string-concat-loop")
    assert proc.returncode == 1
    assert "[new]" in proc.stdout.splitlines()[0]


def test_bad_usage_is_one_line_and_exit_2(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"a.txt": "x"})
    cases = [
        ("analyze",),
        ("analyze", "--repo", str(repo.path)),
        ("analyze", "--repo", str(repo.path), "--base", "no-such-rev"),
        ("analyze", "--repo", str(tmp_path / "nope"), "--base", "HEAD"),
        ("analyze", str(tmp_path / "missing.go")),
        ("analyze", str(tmp_path), "--rules", "not-a-rule"),
        ("analyze", str(tmp_path), "--format", "xml"),
    ]
    for args in cases:
        proc = run(*args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) <= 3 and "perf-review" in proc.stderr


def test_the_quick_exit_flushes_all_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `analyze` ends its process without tearing the interpreter down (bot.cli.console): what it
    # wrote must still arrive whole, as main() writes it in process, from a small output left in
    # the buffer to one well past a pipe's, with stdout buffered as it is by default.
    (tmp_path / "go.mod").write_text("module x\n\ngo 1.22\n")
    (tmp_path / "p").mkdir()
    for i in range(100):
        (tmp_path / "p" / f"f{i}.go").write_text(SRC.replace("Join", f"Join{i}"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    monkeypatch.chdir(tmp_path)
    for args in (["p/f1.go"], ["--format", "json", "p"]):
        proc = subprocess.run([EXE, "-v", "analyze", *args], capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode == 1, proc.stderr
        assert main(["analyze", *args]) == 1
        assert proc.stdout == capsys.readouterr().out
    assert len(proc.stdout) > 70_000
