"""The statistics of a base-against-head benchmark comparison: pure functions of the samples.

Time per operation is compared on a log scale, so that a change is a ratio (+100 % is twice as slow,
−50 % twice as fast) and one slow outlier cannot dominate:

- the effect is the Hodges–Lehmann estimate of the shift between log(head) and log(base): the median of
  every pairwise difference, reported as a percentage change of the ratio;
- its 95 % confidence interval comes from the same pairwise differences, cut at the order statistics
  that the exact null distribution of the Mann–Whitney U statistic gives (distribution-free, no
  resampling, so the same samples always give the same interval); too few samples give an unbounded
  interval, which no verdict can rest on;
- the p-value is scipy's two-sided Mann–Whitney U test.

A verdict needs both significance and size (issue 12): `slower`/`faster` when p ≤ α and |effect| exceeds
the minimum effect and this run's own noise; `unchanged` when the whole interval sits inside ± the
minimum effect; otherwise `inconclusive`. The noise is the control pair: two runs of the base binary in
every round, compared with each other like base and head are. Its spread is the farther end of that
comparison's 95 % interval (not its point estimate, which under the null is as often small as the
head's is large: simulated, that halves the false verdicts of a noisy run, see tests/test_measure_stats.py);
while the control's interval is unbounded (fewer than four rounds) no slower or faster verdict is given.
allocs/op and B/op are counts, not timings: they are compared exactly (`allocs_verdict`).
"""

# ruff: noqa: RUF002  (typographic signs in the docstrings are deliberate)

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from scipy import stats as sps

Verdict = Literal["slower", "faster", "unchanged", "inconclusive"]
CountVerdict = Literal["more", "fewer", "unchanged", "inconclusive"]

ALPHA = 0.05
MIN_EFFECT_PCT = 5.0
_EXACT_LIMIT = 40_000  # m·n above this: the normal approximation of U's distribution is excellent


@dataclass(frozen=True)
class Comparison:
    """head against base: medians (ns/op), the effect in % with its interval, the U test's p-value."""

    base_median: float
    head_median: float
    delta_pct: float
    ci_pct: tuple[float, float]  # ±inf when the samples are too few for the confidence asked
    p_value: float


def _pct(log_ratio: float) -> float:
    return math.expm1(log_ratio) * 100.0 if math.isfinite(log_ratio) else log_ratio


@lru_cache(maxsize=256)
def _u_cdf(m: int, n: int) -> tuple[float, ...]:
    """P(U ≤ u) for u = 0…m·n under the null: the coefficients of the Gaussian binomial [m+n, m]_q,
    built as the product over i = 1…m of (1 − q^(n+i)) / (1 − q^i) (each partial product is a
    polynomial, so the high terms cut off at m·n never feed back)."""
    size = m * n + 1
    poly = np.zeros(size)
    poly[0] = 1.0
    for i in range(1, m + 1):
        shift = n + i
        if shift < size:
            poly[shift:] -= poly[: size - shift].copy()
        for r in range(i):
            poly[r::i] = np.cumsum(poly[r::i])
    cdf = np.cumsum(poly) / poly.sum()
    return tuple(float(x) for x in cdf)


def rank_cut(m: int, n: int, alpha: float = ALPHA) -> int:
    """C: the CI of the shift is [D(C), D(m·n+1−C)] over the sorted pairwise differences D (1-based).
    0 when even the extreme differences do not reach the confidence asked (the interval is unbounded)."""
    if m == 0 or n == 0:
        return 0
    if m * n > _EXACT_LIMIT:
        mean = m * n / 2.0
        sd = math.sqrt(m * n * (m + n + 1) / 12.0)
        return max(0, math.floor(mean - float(sps.norm.ppf(1 - alpha / 2)) * sd + 0.5))
    cdf = _u_cdf(m, n)
    return sum(1 for p in cdf if p <= alpha / 2 + 1e-12)


def hodges_lehmann(base: Sequence[float], head: Sequence[float], alpha: float = ALPHA) -> tuple[float, float, float]:
    """(estimate, lo, hi) of the shift log(head) − log(base)."""
    diffs = np.sort(np.subtract.outer(np.log(np.asarray(head, float)), np.log(np.asarray(base, float))).ravel())
    estimate = float(np.median(diffs))
    cut = rank_cut(len(base), len(head), alpha)
    if cut == 0:
        return estimate, -math.inf, math.inf
    return estimate, float(diffs[cut - 1]), float(diffs[diffs.size - cut])


def compare(base: Sequence[float], head: Sequence[float], alpha: float = ALPHA) -> Comparison:
    """Compare two samples of time/op (positive numbers). Raises ValueError on an empty or non-positive sample."""
    if not base or not head:
        raise ValueError("both samples need at least one value")
    if min(base) <= 0 or min(head) <= 0 or not all(math.isfinite(x) for x in [*base, *head]):
        raise ValueError("time/op samples must be positive and finite")
    estimate, lo, hi = hodges_lehmann(base, head, alpha)
    if len(set(base) | set(head)) == 1:
        p = 1.0  # identical samples: scipy's test is undefined there, and there is nothing to detect
    else:
        p = float(sps.mannwhitneyu(head, base, alternative="two-sided", method="auto").pvalue)
    return Comparison(float(np.median(base)), float(np.median(head)), _pct(estimate), (_pct(lo), _pct(hi)), p)


def verdict(c: Comparison, *, min_effect_pct: float = MIN_EFFECT_PCT, control_pct: float = 0.0,
            alpha: float = ALPHA) -> Verdict:
    threshold = max(min_effect_pct, abs(control_pct))
    if c.p_value <= alpha and c.delta_pct > threshold:
        return "slower"
    if c.p_value <= alpha and c.delta_pct < -threshold:
        return "faster"
    if -min_effect_pct <= c.ci_pct[0] and c.ci_pct[1] <= min_effect_pct:
        return "unchanged"
    return "inconclusive"


def spread(control: Comparison | None) -> float:
    """The control pair's spread in %: how large a change noise alone produced (inf: not known yet)."""
    if control is None or not all(math.isfinite(x) for x in control.ci_pct):
        return math.inf
    return max(abs(control.ci_pct[0]), abs(control.ci_pct[1]))


@dataclass(frozen=True)
class Judgement:
    comparison: Comparison
    control: Comparison | None
    spread_pct: float
    verdict: Verdict


def judge(base_a: Sequence[float], head: Sequence[float], base_b: Sequence[float], *,
          min_effect_pct: float = MIN_EFFECT_PCT, alpha: float = ALPHA) -> Judgement:
    """The whole decision for one benchmark: head against both base runs, with the base-against-base
    control (the first runs of each base slot, paired by round) setting the noise floor."""
    c = compare([*base_a, *base_b], head, alpha)
    n = min(len(base_a), len(base_b))
    control = compare(base_a[:n], base_b[:n], alpha) if n >= 1 else None
    s = spread(control)
    return Judgement(c, control, s, verdict(c, min_effect_pct=min_effect_pct, control_pct=s, alpha=alpha))


def count_verdict(base: Sequence[int], head: Sequence[int]) -> CountVerdict:
    """allocs/op or B/op, head against base. Go reports them as whole numbers per op, the same in every run
    unless the benchmark's own work varies with b.N (a map that grows, a pool that warms): then only
    ranges that do not overlap count as a change."""
    if not base or not head:
        return "inconclusive"
    if min(head) > max(base):
        return "more"
    if max(head) < min(base):
        return "fewer"
    if set(base) == set(head) and len(set(base)) == 1:
        return "unchanged"
    return "unchanged" if _median_int(base) == _median_int(head) else "inconclusive"


def _median_int(values: Sequence[int]) -> int:
    return round(float(np.median(values)))


def median_count(values: Sequence[int]) -> int | None:
    return _median_int(values) if values else None
