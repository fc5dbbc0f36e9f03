"""How `measure` spends its rounds: which code layout each round runs and what it runs in it. The Go
toolchain is replaced by a stand-in with a known truth (bot.measure.gorun's build_many and run_benchmarks,
monkeypatched; everything above them, the session, its tracks and the statistics, is the real code), and
the clock by one that advances by what each build and run would cost."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.measure import gorun
from bot.measure.layouts import Schedule, Unit
from bot.measure.plan import PackagePlan, SidePlan
from bot.measure.session import Package, Session, Settings

SIZES = (10, 1000)
NAME = "BenchmarkTotal"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeGo:
    """Every test binary is a code layout of its own: at n=10 it runs in one of two alignment classes, 30 %
    apart (as the demo's TotalQuantity does, docs/measure.md), at n=1000 layout does not matter. Head and
    base are the same code. A run costs 0.5 s per sub-benchmark, a link 0.4 s (two at a time)."""

    def __init__(self, clock: Clock, seed: int) -> None:
        self.clock = clock
        self.rng = random.Random(seed)
        self.layout: dict[Path, float] = {}
        self.runs: list[tuple[str, tuple[str, ...] | None]] = []  # binary, subs selected

    def build_many(self, go: str, jobs: Sequence[Any], env: Mapping[str, str], timeout: float = 0.0,
                   parallel: int | None = None) -> list[gorun.GoError | None]:
        self.clock.now += 0.4 * math.ceil(len(jobs) / 2)
        return [None] * len(jobs)

    def run_benchmarks(self, binary: Path, cwd: Path, names: Sequence[str], benchtime: str, env: Mapping[str, str],
                       timeout: float, subs: Sequence[str] | None = None) -> gorun.RunOutput:
        factor = self.layout.setdefault(binary, self.rng.choice((1.0, 1.3)))
        self.runs.append((binary.name, tuple(subs) if subs is not None else None))
        out = gorun.RunOutput()
        for n in SIZES:
            if subs is None or f"n={n}" in subs:
                ns = n * 0.4 * (factor if n == 10 else 1.0) * math.exp(self.rng.gauss(0.0, 0.01))
                out.samples[f"{NAME}/n={n}"] = gorun.Sample(ns, 0, 0)
                self.clock.now += 0.5
        return out


def _package(scratch: Path, layouts: int) -> Package:
    names = [f"{NAME}/n={n}" for n in SIZES]
    runs = 2 if layouts > 1 else 1
    head = Unit({k: (scratch / f"head-{k}.test",) for k in range(layouts)}, scratch, [NAME], scratch / "head")
    base = Unit({k: tuple(scratch / f"base-{k}{'ab'[i]}.test" for i in range(runs)) for k in range(layouts)},
                scratch, [NAME], scratch / "base", runs)
    pkg = Package(PackagePlan("", SidePlan([], ""), SidePlan([], "")), 0, head, base)
    pkg.twins[NAME] = NAME
    pkg.to_head[NAME] = NAME
    pkg.seen = {"head": set(names), "base": set(names)}
    pkg.base_of = {n: n for n in names}
    return pkg


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeGo:
    go = FakeGo(Clock(), seed=3)
    monkeypatch.setattr(gorun, "build_many", go.build_many)
    monkeypatch.setattr(gorun, "run_benchmarks", go.run_benchmarks)
    return go


def test_a_loop_that_layout_moves_by_30_percent_is_bounded_by_fresh_layouts_and_decided_sizes_stop(
        fake: FakeGo, tmp_path: Path) -> None:
    """Six layouts repeated can never bound n=10 inside ±5 % (their interval runs from the smallest to the
    largest of six draws of a 30 % effect); a fresh layout per round can. n=1000, decided early, is not run
    again: later rounds select n=10 alone."""
    session = Session(Settings(go="go", env={}, time_budget_s=600.0, benchtime="100ms"), clock=fake.clock)
    pkg = _package(tmp_path, 6)
    session.run_rounds([pkg])
    small, big = (session.tracks[(0, f"{NAME}/n={n}")] for n in SIZES)
    assert big.final_verdict() == "unchanged" and len(big.complete_rounds()) < 12
    assert small.final_verdict() == "unchanged", small.result(5.0, True)
    assert session.stopped == "decided" and session.elapsed() < 600
    heads = [b for b, _ in fake.runs if b.startswith("head")]
    assert len(set(heads)) == session.rounds == session.schedule.used()  # one layout per round: none repeated
    assert len({k for t in session.tracks.values() for k in t.layout_of.values()}) == session.rounds
    assert pkg.base is not None  # the fresh layouts' binaries were deleted after their round:
    assert sorted(pkg.head.layouts) == sorted(pkg.base.layouts) == list(range(6))
    assert session.rounds > 30
    late = [subs for _, subs in fake.runs[-3 * (session.rounds - len(big.complete_rounds())):]]
    assert late and all(subs == ("n=10",) for subs in late)


def test_six_layouts_repeated_leave_that_loop_inconclusive_to_the_end_of_a_300_s_budget(
        fake: FakeGo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The schedule before fresh layouts (round r runs layout r mod 6), on the same stand-in."""
    monkeypatch.setattr(Schedule, "next", lambda self: len(self.of_round) % self.initial)
    session = Session(Settings(go="go", env={}, time_budget_s=300.0, benchtime="100ms"), clock=fake.clock)
    session.run_rounds([_package(tmp_path, 6)])
    small = session.tracks[(0, f"{NAME}/n=10")].result(5.0, True)
    assert session.stopped == "budget" and session.rounds > 150 and session.schedule.used() == 6
    assert small.verdict == "inconclusive" and small.ci_pct is not None and small.ci_pct[1] - small.ci_pct[0] > 20


def test_with_one_layout_per_side_nothing_is_linked_and_the_one_binary_runs_every_round(
        fake: FakeGo, tmp_path: Path) -> None:
    session = Session(Settings(go="go", env={}, time_budget_s=60.0, benchtime="100ms", layouts=1), clock=fake.clock)
    session.run_rounds([_package(tmp_path, 1)])
    assert {b for b, _ in fake.runs} == {"head-0.test", "base-0a.test"}
    assert session.schedule.used() == 1 and session.rounds >= 6


def test_a_fresh_layout_per_round_while_a_link_costs_no_more_than_a_round() -> None:
    s = Schedule(initial=3)
    for _ in range(3):
        s.record(s.next(), 0.0, 1.0)
    assert s.of_round == [0, 1, 2] and s.next() == 3
    s.record(3, 0.8, 1.0)
    assert s.rounds_per_layout() == 1.0 and s.next() == 4
    s.record(4, 0.8, 1.0)
    assert s.next() == 5 and s.linked == 2 and s.built == 5


def test_a_costly_link_gets_the_square_root_of_its_cost_in_rounds() -> None:
    """Linking a layout costs 4 rounds' time: each fresh layout gets sqrt(4) = 2 rounds, the layouts run
    least filling in between."""
    s = Schedule(initial=2)
    for _ in range(2):
        s.record(s.next(), 0.0, 1.0)
    order = []
    for _ in range(8):
        layout = s.next()
        order.append(layout)
        s.record(layout, 4.0 if layout >= s.built else 0.0, 1.0)
        s.retire()
    assert s.rounds_per_layout() == 2.0
    assert order == [2, 0, 1, 3, 2, 4, 3, 5]  # four fresh layouts in eight rounds
    assert s.retired == {2, 3}  # two rounds each: their binaries can go (4 and 5 have had one)
    assert s.used() == 6 and Schedule(initial=1).next() == 0


def test_sub_filter_and_quote_meta() -> None:
    assert gorun.sub_filter(["BenchmarkA/n=10", "BenchmarkB/n=10/x", "BenchmarkA/n=100"]) == ["n=10", "n=100"]
    assert gorun.sub_filter(["BenchmarkA/n=10", "BenchmarkB"]) is None  # B has no sub-benchmarks
    assert gorun.sub_filter([]) is None
    assert gorun.quote_meta("n=1.5(a|b)") == r"n=1\.5\(a\|b\)"
    assert gorun.quote_meta("a b#01") == "a b#01"
