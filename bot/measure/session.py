"""A measurement from start to end: plan, worktrees, builds (per package and side, one test binary per
code layout), a calibration run, then interleaved rounds (per package: base, head, base) until every
verdict is decided, the count is reached or the time budget would be overrun.

Why interleave: machine drift (thermal, other jobs, frequency) then hits both sides alike. Why the
second base run: base against base is this run's own noise, and a verdict must beat it.

Why layouts: base and head are different binaries, and the place of a function in a binary (its
alignment) alone can move its time by tens of per cent. So each side is built in random layouts
(`-ldflags=-randlayout=SEED`): L before the rounds (head L binaries, base 2L: one for each run of the
control pair), and later rounds in fresh ones while linking costs no more than running (layouts.py).
Layout is then noise inside each side, which the control pair sees too (its two runs are two different
base layouts), not a bias between the sides; the statistics take layouts as their unit (stats.py).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import platform
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from analyzers.engine import analyze_change
from analyzers.report.benchmarks import BENCH_FILE
from analyzers.report.measured import MeasuredBenchmark, Measurement
from bot.localgit import local_change
from bot.measure import gorun
from bot.measure.layouts import Schedule, Seeds, Unit, link
from bot.measure.plan import PackagePlan, SidePlan, plan_change
from bot.measure.tracks import Track
from bot.measure.worktree import worktrees

log = logging.getLogger(__name__)

DEFAULT_BUDGET_S = 600.0
TARGET_ROUNDS = 20  # what the benchtime is chosen for: many short rounds beat few long ones under drift
# With fresh code layouts the interval narrows with the number of layouts, not with a run's length (a
# 4 ns loop: log sd 0.16-0.18 between layouts, 0.10 between 100 ms runs of one, see MIN_BENCHTIME_S), so
# the benchtime is chosen for this many rounds (the demo: 100 ms, where 20 rounds chose 200 ms).
TARGET_LAYOUT_ROUNDS = 100
MIN_ROUNDS = 6  # the paired interval is bounded from six rounds on; head-only benchmarks get this many
DEFAULT_LAYOUTS = 6  # code layouts per side (base: per run of the control pair); six bound a 95 % interval
MAX_ROUNDS = 400  # without --count (each later round a fresh layout, so more rounds keep narrowing the interval)
# Runs of a 4 ns loop (the demo's TotalQuantity, n=10) on the busy development machine, 12 per benchtime:
# log standard deviation 0.47 at 10 ms, 0.28 at 50 ms, 0.10 at 100 ms, 0.13 at 500 ms. Time beyond 100 ms
# buys little; spent on more rounds it buys fresh code layouts, which such a loop needs (layouts.py).
MIN_BENCHTIME_S, MAX_BENCHTIME_S = 0.1, 0.2
CALIBRATION = "10ms"
RAMP = 1.5  # go test runs a benchmark several times on its way to -benchtime: about 1.5 times it in all


@dataclass(frozen=True)
class Settings:
    go: str
    env: Mapping[str, str]
    time_budget_s: float = DEFAULT_BUDGET_S
    count: int | None = None  # exact rounds; None: adaptive, stop early once decided
    benchtime: str | None = None  # None: chosen to fit the budget
    min_effect_pct: float = 5.0
    layouts: int = DEFAULT_LAYOUTS  # 1: the linker's own layout only (as without -randlayout)


@dataclass
class Package:
    plan: PackagePlan
    index: int  # of its plan: the key of its tracks and plan facts
    head: Unit
    base: Unit | None
    to_head: dict[str, str] = field(default_factory=dict)  # base top-level name -> head top-level name
    twins: dict[str, str | None] = field(default_factory=dict)  # head top-level -> base top-level
    seen: dict[str, set[str]] = field(default_factory=lambda: {"head": set(), "base": set()})  # full names
    base_of: dict[str, str] = field(default_factory=dict)  # head full name -> the base full name it is compared with


@dataclass
class Todo:
    """What one package runs in a round: top-level benchmarks per side, and the sub-benchmarks to select
    among them (None: all of them)."""

    heads: list[str] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)
    head_subs: list[str] | None = None
    base_subs: list[str] | None = None


@dataclass
class Outcome:
    measurement: Measurement
    elapsed_s: float


class Session:
    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.s = settings
        self.clock = clock
        self.start = clock()
        self.tracks: dict[tuple[int, str], Track] = {}
        # (package, head top-level benchmark) -> one entry per function it measures (an existing benchmark
        # can reach several): function, file, existing
        self.meta: dict[tuple[int, str], list[dict[str, object]]] = {}
        self.skipped: list[tuple[str, str]] = []
        self.cpu = ""
        self.rounds = 0
        self.benchtime = settings.benchtime or ""
        self.stopped = ""
        self.layouts = max(1, settings.layouts)  # lowered to 1 when the linker cannot randomize
        self.seeds = Seeds(self.layouts > 1)
        self.schedule = Schedule(self.layouts)

    @property
    def min_rounds(self) -> int:
        """Rounds before a benchmark may stop: six, and at least one in every layout."""
        return max(MIN_ROUNDS, self.layouts)

    def elapsed(self) -> float:
        return self.clock() - self.start

    def remaining(self) -> float:
        return self.s.time_budget_s - self.elapsed()

    # -- setup ---------------------------------------------------------------------------------------

    def prepare(self, plans: list[PackagePlan], trees: Mapping[str, Path], scratch: Path) -> list[Package]:
        """Write each side's generated benchmarks, build every test binary (concurrently; first one layout
        per package and side, which compiles and shows how it links, then the other layouts, which only
        link: with the linker alone where that build showed how), list what is in them."""
        jobs: list[tuple[int, str, Path, SidePlan]] = []
        for index, plan in enumerate(plans):
            for side, side_plan in (("head", plan.head), ("base", plan.base)):
                if side_plan is None:
                    continue
                cwd = trees[side] / plan.directory if plan.directory else trees[side]
                if any(not b.existing for b in side_plan.benchmarks):
                    (cwd / BENCH_FILE).write_text(side_plan.generated)
                jobs.append((index, side, cwd, side_plan))
        self.seeds = Seeds(self.layouts > 1)
        shells = [Unit({}, cwd, [], scratch / f"{side}-{index}", 2 if side == "base" and self.layouts > 1 else 1)
                  for index, side, cwd, _ in jobs]
        built = gorun.build_linkable(self.s.go, [(u.cwd, u.path(0, 0), gorun.layout_flags(self.seeds.next()))
                                                 for u in shells], self.s.env)
        units: dict[tuple[int, str], Unit] = {}
        for (index, side, cwd, side_plan), unit, result in zip(jobs, shells, built, strict=True):
            if isinstance(result, gorun.GoError):
                self.skipped += [(b.name, f"{side}: {result}") for b in side_plan.benchmarks]
                continue
            unit.linker = result if self.layouts > 1 else None
            unit.layouts[0] = (unit.path(0, 0),)
            listed = set(gorun.list_benchmarks(unit.binary, cwd, self.s.env))
            self.skipped += [(b.name, f"{side}: not in the test binary") for b in side_plan.benchmarks
                             if b.name not in listed]
            unit.names = list(dict.fromkeys(b.name for b in side_plan.benchmarks if b.name in listed))
            units[(index, side)] = unit
        link(self.s.go, self.s.env, [(u, k) for u in units.values() for k in range(self.layouts)], self.seeds)
        packages = []
        for index, plan in enumerate(plans):
            head = units.get((index, "head"))
            if head is not None:
                packages.append(self._package(plan, index, head, units.get((index, "base"))))
        return packages

    def _package(self, plan: PackagePlan, index: int, head: Unit, base: Unit | None) -> Package:
        pkg = Package(plan, index, head, base)
        for h, b in plan.pairs():
            pkg.twins[h.name] = b.name if b is not None and base is not None else None
            if b is not None and base is not None:
                pkg.to_head[b.name] = h.name
            entry = {"function": h.function, "file": plan.rel(h.file), "existing": h.existing}
            entries = self.meta.setdefault((index, h.name), [])
            if entry not in entries:
                entries.append(entry)
        log.info("package %s: %d benchmark(s) at head, %d at base", plan.directory or ".", len(head.names),
                 len(base.names) if base else 0)
        return pkg

    def calibrate(self, pkg: Package) -> None:
        """One short run of each side: what fails is dropped, and the wall time prices a round."""
        for side, unit in (("head", pkg.head), ("base", pkg.base)):
            if unit is None:
                continue
            todo = list(unit.names)
            t0 = self.clock()
            while todo:
                out = gorun.run_benchmarks(unit.binary, unit.cwd, todo, CALIBRATION, self.s.env,
                                           max(60.0, self.remaining()))
                self.cpu = self.cpu or out.cpu
                unit.lines += len(out.samples)
                pkg.seen[side] |= set(out.samples)
                ran = {n.split("/", 1)[0] for n in out.samples}
                broken = dict(out.failed)
                if out.exit_code != 0 and not broken:
                    first = next((n for n in todo if n not in ran), None)
                    if first is not None:
                        broken[first] = out.tail or f"the test binary exited {out.exit_code}"
                for name, why in broken.items():
                    self._drop(pkg, side, name, why)
                todo = [n for n in todo if n not in ran and n not in broken]
                if out.exit_code == 0 and not broken:
                    todo = []
            unit.wall_s = self.clock() - t0
        self._pair_subs(pkg)

    def _pair_subs(self, pkg: Package) -> None:
        """Which base result each head result is compared with: the same sub-benchmark when both sides
        have it; the base's only result when base has one and head several (a change that made the cost
        grow with n gets sizes at head only: base keeps its one benchmark, compared with each size)."""
        for head_top, twin in pkg.twins.items():
            if twin is None:
                continue
            heads = sorted(n for n in pkg.seen["head"] if n.split("/", 1)[0] == head_top)
            bases = sorted(n for n in pkg.seen["base"] if n.split("/", 1)[0] == twin)
            for h in heads:
                sub = h.partition("/")[2]
                same = twin + ("/" + sub if sub else "")
                if same in bases:
                    pkg.base_of[h] = same
                elif len(bases) == 1:
                    pkg.base_of[h] = bases[0]
                elif bases:
                    self.skipped.append((h, f"base has no counterpart among {', '.join(bases[:4])}"))

    def _drop(self, pkg: Package, side: str, name: str, why: str) -> None:
        unit = pkg.head if side == "head" else pkg.base
        if unit is not None and name in unit.names:
            unit.names.remove(name)
        head_name = name if side == "head" else pkg.to_head.get(name, name)
        self.skipped.append((head_name, f"{side}: {why}"))
        if side == "head" and pkg.base is not None:
            twin = pkg.twins.get(name)
            if twin and twin in pkg.base.names:
                pkg.base.names.remove(twin)
        if side == "base" and head_name in pkg.head.names:
            pkg.head.names.remove(head_name)
        for key, track in list(self.tracks.items()):
            if key[0] == pkg.index and track.top_level == head_name:
                del self.tracks[key]

    def choose_benchtime(self, packages: list[Package]) -> None:
        if self.s.benchtime:
            return
        rounds = self.s.count or max(TARGET_LAYOUT_ROUNDS if self.layouts > 1 else TARGET_ROUNDS, self.min_rounds)
        cal = _seconds(CALIBRATION)
        fixed = per_t = 0.0
        for pkg in packages:
            for unit, runs in ((pkg.head, 1), (pkg.base, 2)):
                if unit is None or not unit.names:
                    continue
                k = RAMP * unit.lines
                fixed += runs * max(0.02, unit.wall_s - k * cal)
                per_t += runs * k
        available = self.remaining() * 0.9 / rounds - fixed
        chosen = available / per_t if per_t > 0 else MAX_BENCHTIME_S
        chosen = min(MAX_BENCHTIME_S, max(MIN_BENCHTIME_S, chosen))
        self.benchtime = f"{max(1, int(chosen * 1000))}ms"

    # -- rounds --------------------------------------------------------------------------------------

    def run_rounds(self, packages: list[Package]) -> None:
        self.schedule = Schedule(self.layouts)
        last_round = 0.0
        while True:
            if self.s.count is not None and self.rounds >= self.s.count:
                self.stopped = "count"
                return
            if self.s.count is None and self.rounds >= MAX_ROUNDS:
                self.stopped = "count"
                return
            todo = [self._active(pkg) for pkg in packages]
            if not any(t.heads or t.bases for t in todo):
                self.stopped = "decided" if self.rounds else "nothing to run"
                return
            if last_round and self.elapsed() + last_round > self.s.time_budget_s:
                self.stopped = "budget"
                return
            t0 = self.clock()
            layout = self._layout(packages, todo)
            t1 = self.clock()
            if not self._round(packages, todo, layout):
                self.stopped = "budget"
                return
            last_round = self.clock() - t0
            self.schedule.record(layout, t1 - t0, self.clock() - t1)
            for done in self.schedule.retire():
                for unit in (u for pkg in packages for u in (pkg.head, pkg.base) if u is not None):
                    unit.drop(done)
            self.rounds += 1
            floor = self.noise_floor()
            for track in self.tracks.values():
                track.note_round(self.s.min_effect_pct, floor)
            log.info("round %d (layout %d) done in %.1f s", self.rounds, layout, last_round)

    def _layout(self, packages: list[Package], todo: list[Todo]) -> int:
        """This round's layout, linked first where a unit that runs in it lacks it."""
        layout = self.schedule.next()
        lacking = [(unit, layout) for pkg, t in zip(packages, todo, strict=True)
                   for unit, names in ((pkg.head, t.heads), (pkg.base, t.bases))
                   if unit is not None and names and not unit.has(layout)]
        if lacking:
            link(self.s.go, self.s.env, lacking, self.seeds)
        return layout

    def noise_floor(self) -> float:
        """The median control spread over the compared benchmarks: the run's typical noise."""
        spreads = [s for t in self.tracks.values() if (s := t.spread()) is not None]
        return statistics.median(spreads) if spreads else 0.0

    def _active(self, pkg: Package) -> Todo:
        """What the package runs this round: every benchmark until it may stop, then only the undecided
        ones, down to their sub-benchmarks (a decided size is not run again with the sizes still open)."""
        todo = Todo()
        need: list[str] = []
        for name in pkg.head.names:
            twin = pkg.twins.get(name)
            mine = [t for (i, _), t in self.tracks.items() if i == pkg.index and t.top_level == name]
            every = sorted(n for n in pkg.seen["head"] if n.split("/", 1)[0] == name) or [name]
            if twin is None:
                wanted = every if self.rounds < self.min_rounds and (self.s.count is None
                                                                     or self.rounds < self.s.count) else []
            elif self.s.count is not None or self.rounds < self.min_rounds or not mine:
                wanted = every
            else:
                wanted = [t.name for t in mine if not t.decided()]
            if wanted:
                todo.heads.append(name)
                need += wanted
        todo.bases = [pkg.twins[n] or "" for n in todo.heads
                      if pkg.twins.get(n) and pkg.base and pkg.twins[n] in pkg.base.names]
        todo.head_subs = gorun.sub_filter(need)
        if todo.bases:
            bases = [pkg.base_of.get(n) for n in need if pkg.twins.get(n.split("/", 1)[0])]
            todo.base_subs = None if None in bases else gorun.sub_filter([b for b in bases if b])
        return todo

    def _round(self, packages: list[Package], todo: list[Todo], layout: int) -> bool:
        for pkg, t in zip(packages, todo, strict=True):
            plan: list[tuple[str, Unit | None, list[str], list[str] | None]] = [
                ("a", pkg.base, t.bases, t.base_subs), ("h", pkg.head, t.heads, t.head_subs),
                ("b", pkg.base, t.bases, t.base_subs)]
            for slot, unit, names, subs in plan:
                if unit is None or not names:
                    continue
                if self.remaining() <= 0:
                    return False
                out = gorun.run_benchmarks(unit.for_run(slot, layout), unit.cwd, names, self.benchtime, self.s.env,
                                           self.remaining(), subs)
                if out.exit_code == -1:
                    return False
                self._record(pkg, slot, out, layout)
        return True

    def _record(self, pkg: Package, slot: str, out: gorun.RunOutput, layout: int = 0) -> None:
        side = "head" if slot == "h" else "base"
        for name, why in out.failed.items():
            self._drop(pkg, side, name, why)
        for full, sample in out.samples.items():
            if slot == "h":
                heads = [full] if full.split("/", 1)[0] in pkg.head.names else []
            else:
                heads = [h for h, b in pkg.base_of.items() if b == full and h.split("/", 1)[0] in pkg.head.names]
            for head_name in heads:
                self._track(pkg, head_name).add(slot, self.rounds, sample, layout)

    def _track(self, pkg: Package, head_name: str) -> Track:
        track = self.tracks.get((pkg.index, head_name))
        if track is None:
            head_top = head_name.split("/", 1)[0]
            twin = pkg.twins.get(head_top)
            base_name = pkg.base_of.get(head_name) if twin else None
            meta = (self.meta.get((pkg.index, head_top)) or [{}])[0]
            track = Track(head_name, base_name if twin else None, str(meta.get("function", "")),
                          str(meta.get("file", "")), bool(meta.get("existing")))
            track.package = pkg.index
            track.layouts = self.layouts
            if twin and base_name is None:
                track.unpaired = True
            self.tracks[(pkg.index, head_name)] = track
        return track

    # -- the result ----------------------------------------------------------------------------------

    def _results(self, track: Track, out_of_time: bool) -> list[MeasuredBenchmark]:
        """One result per function the benchmark measures (the samples are shared)."""
        first = track.result(self.s.min_effect_pct, out_of_time, self.noise_floor())
        entries = self.meta.get((track.package, track.top_level)) or []
        return [first] + [dataclasses.replace(first, function=str(e["function"]), file=str(e["file"]),
                                              existing=bool(e["existing"])) for e in entries[1:]]

    def measurement(self, base: str, head: str, facts: tuple[str, str, str]) -> Measurement:
        out_of_time = self.stopped == "budget"
        results = [r for t in self.tracks.values() if t.head and not t.unpaired for r in self._results(t, out_of_time)]
        controls = sorted(r.control_spread_pct for r in results if r.control_spread_pct is not None)
        return Measurement(
            base=base, head=head, go_version=facts[0], cpu=self.cpu or platform.processor(), goos=facts[1],
            goarch=facts[2], cores=os.cpu_count() or 0, benchmarks=tuple(results),
            control_spread_pct=statistics.median(controls) if controls else None, skipped=tuple(self.skipped),
            rounds=self.rounds, benchtime=self.benchtime, stopped=self.stopped or "count",
            layouts=self.schedule.used(),
            out_of_time=tuple(r.name for r in results if r.out_of_time),
        )


def _seconds(benchtime: str) -> float:
    return float(benchtime.removesuffix("ms")) / 1000 if benchtime.endswith("ms") else float(benchtime.rstrip("s"))


def measure(repo: Path, base_rev: str, head_rev: str, settings: Settings) -> Outcome:
    """The whole measurement of a change in a local repository (raises GitError, UsageError, GoError)."""
    session = Session(settings)
    facts = gorun.go_facts(settings.go, settings.env)
    if session.layouts > 1 and not gorun.can_randomize_layout(settings.go, settings.env):
        log.warning("%s: the linker has no -randlayout (newer Go toolchains have it): one code layout per side",
                    facts[0])
        session.layouts = 1
    change = local_change(repo, base_rev, head_rev)
    result = analyze_change(change.changes, change.head, change.base)
    plans = plan_change(result, change.head, change.base)
    for plan in plans:
        session.skipped += plan.skipped
    if not plans:
        session.stopped = "nothing to run"
        session.skipped.append(("(change)", "touches no hot or warm Go function that can be benchmarked"))
        return Outcome(session.measurement(change.base_sha, change.head_sha, facts), session.elapsed())
    with worktrees(repo, {"base": change.base_sha, "head": change.head_sha}) as (scratch, trees):
        # The go tool's own work folders go into the scratch folder too: a build killed on Ctrl-C
        # cannot remove its go-build* folder, and the scratch folder is removed whatever happens.
        gotmp = scratch / "gotmp"
        gotmp.mkdir()
        session.s = dataclasses.replace(settings, env={**settings.env, "GOTMPDIR": str(gotmp)})
        packages = session.prepare(plans, trees, scratch)
        for pkg in packages:
            session.calibrate(pkg)
        session.choose_benchtime(packages)
        session.run_rounds(packages)
    return Outcome(session.measurement(change.base_sha, change.head_sha, facts), session.elapsed())
