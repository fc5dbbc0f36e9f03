"""Generated benchmarks run and exercise what they are about: every generated benchmark of the rule
testdata modules, the clean corpus, the demo, the generator's own corpus (tests/corpus/bench) and a few
standard-library packages (copied into temporary modules at test time) runs once with -benchtime 1x
-coverprofile (one coverage-instrumented binary per package, one process per package); none may fail,
and the lines of the findings whose function got a generated benchmark that does not skip must be
executed for at least 80 % of them, per corpus.

`python -m tests.benchcheck DIR...` gives the same figures with each benchmark in its own process (so a
finding's coverage is its own benchmark's); the README and the report quote those.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchcheck import Run, check, runtime_skip, stdlib_module, summarise
from tests.ruletest import TESTDATA

ROOT = Path(__file__).resolve().parent.parent
CORPORA = {
    "testdata": sorted(p.parent for p in TESTDATA.glob("*/go.mod")),
    "clean": [ROOT / "tests" / "corpus" / "clean"],
    "demo": [ROOT / "examples" / "demo" / "base", ROOT / "examples" / "demo" / "head"],
    # Inputs the code's own checks dictate (constructors' guards, asserted types, split parts, reflect
    # kinds, encoder round trips) and functions no input can run alone (links, invariant loops, exits,
    # waits for other goroutines, values an API rejects when given again).
    "inputs": [ROOT / "tests" / "corpus" / "bench"],
}
# Standard-library packages that import only the standard library's public packages.
STDLIB = ("encoding/csv", "text/tabwriter", "encoding/pem")


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory, go_cache: Path) -> dict[str, list[Run]]:
    tmp = tmp_path_factory.mktemp("benchrun")
    modules: dict[Path, str] = {}
    for corpus, paths in CORPORA.items():
        modules.update({p: corpus for p in paths})
    for package in STDLIB:
        copy = stdlib_module(package, tmp / "std" / package.replace("/", "_"))
        assert copy is not None, f"{package} imports internal packages now: pick another"
        modules[copy] = "stdlib"
    figures, errors, all_runs = check(list(modules), tmp / "work", go_cache, per_benchmark=False)
    assert not errors, "\n".join(errors)
    assert figures.generated > 500
    out: dict[str, list[Run]] = {}
    for r in all_runs:
        out.setdefault(modules[r.target.origin], []).append(r)
    return out


@pytest.mark.parametrize("corpus", ["testdata", "clean", "demo", "inputs", "stdlib"])
def test_generated_benchmarks_run_and_reach_the_findings(runs: dict[str, list[Run]], corpus: str) -> None:
    f = summarise(runs[corpus])
    failures = [f"{r.target.import_path} {r.target.bench.name}: {r.output.strip()[-800:]}" for r in f.failed]
    assert not failures, "\n".join(failures)
    assert f.generated > 0
    if corpus in ("testdata", "demo"):
        assert f.findings > 0
    assert f.coverage >= 0.8, f"{corpus}: {f.summary()}"
    for r in f.skipped:
        # Skipped as planned (with the reason), or at run time because a constructor rejected the input.
        assert r.target.bench.skip_reason or runtime_skip(r.output), r.target.bench.name


def test_skips_say_why(runs: dict[str, list[Run]]) -> None:
    reasons = {r.target.bench.skip_reason for rs in runs.values() for r in rs if r.status == "skip"}
    assert any(reason and "database" in reason for reason in reasons)  # db-call-in-loop: no *sql.DB offline
    assert any(reason and "sleeps" in reason for reason in reasons)  # sleep-polling: the sleep, not the code
    skipped = {r.target.bench.function: r.target.bench.skip_reason or "" for r in runs["inputs"] if r.status == "skip"}
    assert "compares links to a sentinel" in skipped["item.before"]  # a list only its insertions link
    assert "advances only in some branches" in skipped["Buckets.Counts"]  # ends only if the last bound holds all
    # Calls that exit, waits no goroutine ends, values given again, positions into another value
    # (tests/corpus/bench/halts.go): generated as before, they exit the test binary, hang or panic.
    assert "ends the process: it calls os.Exit" in skipped["logger.Fatal"]
    assert "waits for another goroutine: Service.await" in skipped["Service.AwaitRunning"]
    assert "p.cond.Wait()" in skipped["Pipe.ReadAll"]
    assert "retry, which it calls, sleeps" in skipped["Dial"]
    assert "waits for a timer" in skipped["Beat"]
    assert "rejects a value it holds already" in skipped["Registry.Register"]
    assert "a position read from n" in skipped["Template.Context"]
    # tests/corpus/bench/setup.go: a connection the receiver holds, a read undone before any read.
    assert "needs a network connection (l.Conn has type net.Conn)" in skipped["link.handshake"]
    assert "steps back with scanner.back" in skipped["Decoder.number"]
    at_run = {r.target.bench.function: runtime_skip(r.output) for r in runs["inputs"]
              if r.status == "skip" and not r.target.bench.skip_reason}
    assert at_run == {"Rule.Apply": "could not build the input: NewRule: rule: no => in spec",
                      # MustMask panics on the generated pattern, in the set-up: a skip, not a failure.
                      "Mask.Apply": "could not build the input: set-up panicked: mask: bad byte k"}
    ran = {r.target.bench.function for r in runs["inputs"] if r.status == "ok"}
    assert {"Gate.Client", "Span.Cmp", "Word.Cmp", "ParseName", "Recycler.Keep", "Ref.UnmarshalJSON",
            "buffer.Upper", "Slots.Use", "Conn.Pending"} <= ran
    # Generated as before, each of these failed (setup.go): a constructor given a string its own parser
    # rejects or the test expects to panic, n given to a state looked up in a fixed table, an empty token
    # span, widths of 1, 2, 3.
    assert {"Schedule.Render", "Pattern.Matching", "ErrorMessage", "tokens.identifier", "grid.row"} <= ran
