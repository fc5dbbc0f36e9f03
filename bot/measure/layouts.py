"""Code layouts: a package's test binaries on one side, linked in random function orders
(`go test -c -ldflags=-randlayout=SEED`), and which layout each round runs.

Why fresh layouts: the place of a function in a binary moves a few-nanosecond loop by tens of per cent
(docs/measure.md, Code layout), and the statistics take the layout as their unit. More rounds in the same
layouts only sharpen the same few draws of that effect; the interval shrinks with the number of layouts.
So the first L rounds run the L layouts built before the rounds, and later rounds get fresh layouts,
linked just before the round for what it runs. They are linked by the linker alone, on the archives
that the first build left (gorun.Linker), not by `go test -c`, which checks every package again first:
0.43 against 0.93 s of CPU per binary for the demo. A link costs about half a second for a small package, a
big package's can cost more than a round: each fresh layout then gets sqrt(link cost / round cost)
rounds (the optimum of two-stage sampling when the layout's noise and the round's are alike), the
others running the layout run least so far again. A fresh layout's binaries are deleted once it had
its rounds.
"""

from __future__ import annotations

import logging
import math
import random
import subprocess
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.measure import gorun

log = logging.getLogger(__name__)


@dataclass
class Unit:
    """One package's test binaries on one side, by layout: head one per layout, base `runs` = 2 (runs A
    and B of a round, so the control pair compares two layouts; 1 when layouts are not varied)."""

    layouts: dict[int, tuple[Path, ...]]
    cwd: Path
    names: list[str]  # top-level benchmarks to run
    stem: Path = Path("unit")  # its binaries are named stem-LAYOUT[a|b].test
    runs: int = 1
    wall_s: float = 0.0  # calibration run
    lines: int = 0  # result lines (sub-benchmarks) in it
    linker: gorun.Linker | None = None  # links another layout without the go command (None: `go test -c`)
    checked: bool = False  # a binary from `linker` listed the benchmarks (checked once, on its first)

    @property
    def binary(self) -> Path:
        """Layout 0's first binary: the build that compiled (calibration and listing run it)."""
        return self.layouts[0][0]

    def for_run(self, slot: str, layout: int) -> Path:
        """The binary of run `slot` (a, h, b) in `layout` (layout 0's when that layout was not built)."""
        binaries = self.layouts.get(layout) or self.layouts[0]
        return binaries[-1] if slot == "b" else binaries[0]

    def drop(self, layout: int) -> None:
        """Delete the layout's binaries (not layout 0's, which stand in for any that did not build)."""
        keep = set(self.layouts.get(0, ()))
        for binary in self.layouts.pop(layout, ()):
            if binary not in keep:
                binary.unlink(missing_ok=True)

    def has(self, layout: int) -> bool:
        return len(self.layouts.get(layout, ())) >= self.runs

    def path(self, layout: int, run: int) -> Path:
        return Path(f"{self.stem}-{layout}{'ab'[run] if self.runs > 1 else ''}.test")


class Seeds:
    """Link seeds, never the same twice in a measurement (None for all: the linker's own layout)."""

    def __init__(self, randomize: bool) -> None:
        self.randomize = randomize
        self.used: set[int] = set()
        self.rng = random.SystemRandom()

    def next(self) -> int | None:
        if not self.randomize:
            return None
        while True:
            seed = self.rng.randrange(1, 2**31)
            if seed not in self.used:
                self.used.add(seed)
                return seed


def link(go: str, env: Mapping[str, str], wanted: Sequence[tuple[Unit, int]], seeds: Seeds) -> None:
    """Build every binary that the (unit, layout) pairs lack, all at once (several in parallel): with the
    unit's own linker where it has one (its first such binary must list the unit's benchmarks, or the unit
    goes back to `go test -c`), else, and where a direct link fails, with `go test -c`. One that does not
    build at all is replaced by layout 0's binary of the same run, with a warning."""
    jobs = [(unit, layout, run, seeds.next()) for unit, layout in wanted
            for run in range(len(unit.layouts.get(layout, ())), unit.runs)]
    direct = [i for i, job in enumerate(jobs) if job[0].linker is not None]
    linked = gorun.link_many([(u.linker, u.path(k, r), seed) for u, k, r, seed in (jobs[i] for i in direct)
                              if u.linker is not None], env)
    errors: dict[int, gorun.GoError | None] = {}
    for i, error in zip(direct, linked, strict=True):
        unit, layout, run, _ = jobs[i]
        if error is None and not unit.checked:
            error = _check(unit, unit.path(layout, run), env)
        if error is None:
            errors[i] = None
        elif unit.linker is not None:
            log.warning("linking %s directly failed, `go test -c` links it from now on: %s", unit.stem.name, error)
            unit.linker = None
    again = [i for i in range(len(jobs)) if i not in errors]
    built = gorun.build_many(go, [(u.cwd, u.path(k, r), gorun.layout_flags(seed))
                                  for u, k, r, seed in (jobs[i] for i in again)], env)
    errors.update(zip(again, built, strict=True))
    for i, (unit, layout, run, _) in enumerate(jobs):
        out = unit.path(layout, run)
        if errors[i] is not None:
            fallback = unit.layouts.get(0, ())
            log.warning("layout %s did not build, layout 0 runs in its place: %s", out.name, errors[i])
            out = fallback[run] if run < len(fallback) else fallback[0]
        unit.layouts[layout] = (*unit.layouts.get(layout, ()), out)


def _check(unit: Unit, binary: Path, env: Mapping[str, str]) -> gorun.GoError | None:
    """A directly linked binary must hold the benchmarks that the go command's build listed."""
    try:
        listed = set(gorun.list_benchmarks(binary, unit.cwd, env))
    except (gorun.GoError, subprocess.TimeoutExpired) as exc:
        return gorun.GoError(f"the linked binary does not run: {exc}")
    missing = [n for n in unit.names if n not in listed]
    if missing:
        return gorun.GoError(f"the linked binary lacks {', '.join(missing[:3])}")
    unit.checked = True
    return None


@dataclass
class Schedule:
    """Which layout each round runs (see the module's doc)."""

    initial: int  # layouts built before the rounds (1: layouts are not varied)
    of_round: list[int] = field(default_factory=list)
    link_s: float = 0.0  # spent linking layouts after the initial ones
    run_s: float = 0.0  # spent running rounds
    linked: int = 0  # layouts linked after the initial ones
    retired: set[int] = field(default_factory=set)  # fresh layouts that had their rounds: deleted, not run again

    @property
    def built(self) -> int:
        return max([self.initial - 1, *self.of_round]) + 1

    def rounds_per_layout(self) -> float:
        """How many rounds a fresh layout should get: sqrt(link cost / round cost), the optimum of two-stage
        sampling when layout and round noise are alike (at least 1; the costs as measured so far)."""
        if not self.linked or not self.of_round or self.run_s <= 0:
            return 1.0
        per_link, per_round = self.link_s / self.linked, self.run_s / len(self.of_round)
        return max(1.0, math.sqrt(per_link / per_round))

    def next(self) -> int:
        rounds = len(self.of_round)
        if self.initial == 1:
            return 0
        if rounds < self.initial:
            return rounds
        if rounds - self.initial + 1 >= self.rounds_per_layout() * (self.linked + 1):
            return self.built
        runs = Counter(self.of_round)
        return min((k for k in range(self.built) if k not in self.retired), key=lambda k: (runs[k], k))

    def record(self, layout: int, link_s: float, run_s: float) -> None:
        if layout >= self.built:
            self.linked += 1
        self.of_round.append(layout)
        self.link_s += link_s
        self.run_s += run_s

    def retire(self) -> list[int]:
        """Fresh layouts that have had their share of rounds: their binaries can go (a measurement of
        hundreds of rounds would otherwise keep hundreds of test binaries); the initial ones stay."""
        runs = Counter(self.of_round)
        share = math.ceil(self.rounds_per_layout())
        done = [k for k in range(self.initial, self.built) if k not in self.retired and runs[k] >= share]
        self.retired.update(done)
        return done

    def used(self) -> int:
        """Layouts that ran (per side; base twice as many binaries)."""
        return len(set(self.of_round)) or self.initial
