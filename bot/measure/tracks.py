"""One measured benchmark across rounds: its samples on each side and what they say so far."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from analyzers.report.measured import MeasuredBenchmark, SideSample
from bot.measure import stats
from bot.measure.gorun import Sample

DECIDED = ("slower", "faster", "unchanged")


@dataclass
class Track:
    """head benchmark `name` (full, with sub-benchmarks) against its base twin `base_name` (None: head only).
    Each round adds one head sample and two base samples: A before head, B after (the control pair)."""

    name: str
    base_name: str | None
    function: str
    file: str
    existing: bool
    slots: dict[str, dict[int, Sample]] = field(default_factory=lambda: {"a": {}, "h": {}, "b": {}})
    verdicts: list[str] = field(default_factory=list)
    package: int = 0  # index of its package in the session
    unpaired: bool = False  # the function exists at base, but no base result matches this one (listed as skipped)
    layouts: int = 1  # code layouts per side before the rounds (1: not varied; more: the unit of the statistics)
    layout_of: dict[int, int] = field(default_factory=dict)  # round -> the layout it ran (default: round mod layouts)

    def add(self, slot: str, round_no: int, sample: Sample, layout: int | None = None) -> None:
        self.slots[slot][round_no] = sample
        if layout is not None:
            self.layout_of[round_no] = layout

    @property
    def head(self) -> list[Sample]:
        return [self.slots["h"][r] for r in sorted(self.slots["h"])]

    @property
    def base(self) -> list[Sample]:
        return [s[r] for s in (self.slots["a"], self.slots["b"]) for r in sorted(s)]

    def complete_rounds(self) -> list[int]:
        """Rounds with all three runs (an interrupted round, or a run that lost this benchmark, is left out)."""
        return sorted(set(self.slots["a"]) & set(self.slots["h"]) & set(self.slots["b"]))

    @property
    def top_level(self) -> str:
        return self.name.split("/", 1)[0]

    def judgement(self, min_effect: float, floor: float = 0.0) -> stats.Judgement | None:
        rounds = self.complete_rounds()
        if self.base_name is None or not rounds:
            return None
        a, h, b = ([self.slots[k][r].ns_per_op for r in rounds] for k in ("a", "h", "b"))
        groups = [self.layout_of.get(r, r % self.layouts) for r in rounds] if self.layouts > 1 else None
        return stats.judge(a, h, b, min_effect_pct=min_effect, noise_floor_pct=floor, groups=groups)

    def spread(self) -> float | None:
        """This benchmark's control spread so far (None: not bounded yet)."""
        j = self.judgement(0.0)
        return j.spread_pct if j and math.isfinite(j.spread_pct) else None

    def verdict(self, min_effect: float, floor: float = 0.0) -> str:
        if self.base_name is None:
            return "new"
        j = self.judgement(min_effect, floor)
        return j.verdict if j else "inconclusive"

    def note_round(self, min_effect: float, floor: float = 0.0) -> None:
        self.verdicts.append(self.verdict(min_effect, floor))

    def final_verdict(self) -> str:
        """The last verdict if the round before agreed; a verdict that just flipped is not one."""
        if self.base_name is None:
            return "new"
        if len(self.verdicts) >= 2 and self.verdicts[-1] == self.verdicts[-2]:
            return self.verdicts[-1]
        return "inconclusive"

    def decided(self) -> bool:
        """Decided, and the same as one round earlier (a guard against stopping on a lucky peek)."""
        if self.base_name is None:
            return True
        return len(self.verdicts) >= 2 and self.verdicts[-1] in DECIDED and self.verdicts[-1] == self.verdicts[-2]

    def allocs_verdict(self) -> str:
        if self.base_name is None:
            return "new"
        base = [s.allocs_per_op for s in self.base if s.allocs_per_op is not None]
        head = [s.allocs_per_op for s in self.head if s.allocs_per_op is not None]
        return stats.count_verdict(base, head)

    def result(self, min_effect: float, out_of_time: bool, floor: float = 0.0) -> MeasuredBenchmark:
        j = self.judgement(min_effect, floor)
        c = j.comparison if j else None
        verdict = self.final_verdict()
        ci = c.ci_pct if c and all(math.isfinite(x) for x in c.ci_pct) else None
        spread = j.spread_pct if j and math.isfinite(j.spread_pct) else None
        return MeasuredBenchmark(
            name=self.name, function=self.function, file=self.file, existing=self.existing,
            base=_side(self.base) if self.base_name is not None else None, head=_side(self.head),
            delta_pct=c.delta_pct if c else None, ci_pct=ci, p_value=c.p_value if c else None, verdict=verdict,
            allocs_verdict=self.allocs_verdict(), control_spread_pct=spread,
            rounds=len(self.complete_rounds()) if self.base_name is not None else len(self.head),
            out_of_time=out_of_time and verdict == "inconclusive",
            base_name=self.base_name if self.base_name and _sub(self.base_name) != _sub(self.name) else "",
        )


def _side(samples: list[Sample]) -> SideSample:
    allocs = [s.allocs_per_op for s in samples if s.allocs_per_op is not None]
    nbytes = [s.bytes_per_op for s in samples if s.bytes_per_op is not None]
    return SideSample(tuple(s.ns_per_op for s in samples), stats.median_count(allocs), stats.median_count(nbytes))


def _sub(name: str) -> str:
    return name.partition("/")[2]
