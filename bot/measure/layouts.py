"""Code layouts: a package's test binaries on one side, linked in random function orders
(`go test -c -ldflags=-randlayout=SEED`), and which layout each round runs.

Why fresh layouts: the place of a function in a binary moves a few-nanosecond loop by tens of per cent
(docs/measure.md, Code layout), and the statistics take the layout as their unit. More rounds in the same
layouts only sharpen the same few draws of that effect; the interval shrinks with the number of layouts.
So the first L rounds run the L layouts built before the rounds, and later rounds get fresh layouts,
linked just before the round for what it runs. A link costs about half a second for a small package, a
big package's can cost more than a round: each fresh layout then gets sqrt(link cost / round cost)
rounds (the optimum of two-stage sampling when the layout's noise and the round's are alike), the
others running the layout run least so far again. A fresh layout's binaries are deleted once it had
its rounds.
"""

from __future__ import annotations

import logging
import math
import random
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
    """Build every binary that the (unit, layout) pairs lack, all at once (build_many runs them in parallel).
    One that does not build is replaced by layout 0's binary of the same run, with a warning."""
    jobs = [(unit, layout, run) for unit, layout in wanted for run in range(len(unit.layouts.get(layout, ())),
                                                                            unit.runs)]
    errors = gorun.build_many(go, [(u.cwd, u.path(k, i), gorun.layout_flags(seeds.next())) for u, k, i in jobs], env)
    for (unit, layout, run), error in zip(jobs, errors, strict=True):
        out = unit.path(layout, run)
        if error is not None:
            fallback = unit.layouts.get(0, ())
            log.warning("layout %s did not build, layout 0 runs in its place: %s", out.name, error)
            out = fallback[run] if run < len(fallback) else fallback[0]
        unit.layouts[layout] = (*unit.layouts.get(layout, ()), out)


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
