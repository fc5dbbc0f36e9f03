"""The statistics of a base-against-head benchmark comparison: pure functions of the samples.

Time per operation is compared on a log scale, so that a change is a ratio (+100 % is twice as slow,
−50 % twice as fast) and one slow outlier cannot dominate. Two designs:

- Unpaired (`compare`): the effect is the Hodges–Lehmann estimate of the shift between log(head) and
  log(base), the median of every pairwise difference; its 95 % interval is cut from the same sorted
  differences at the order statistics that the exact null distribution of the Mann–Whitney U statistic
  gives.
- Paired by round (`judge`, what measure uses): each round runs base (A), head, base (B) back to back,
  so machine drift that lasts longer than a round cancels in the round's own ratio
  log(head) − (log A + log B)/2. The effect is the one-sample Hodges–Lehmann estimate of those ratios
  (the median of their Walsh averages), its interval cut at the exact Wilcoxon signed-rank order
  statistics. On a busy machine this needs about half the rounds of the unpaired interval for the same
  width (the study is in benchmarks/measure_null.py).

Both intervals are distribution-free and deterministic (no resampling: the same samples give the same
interval); too few samples give an unbounded interval, on which no verdict rests. The p-value is always
scipy's two-sided Mann–Whitney U test of every head sample against every base sample.

A verdict needs both significance and size (issue 12): `slower`/`faster` when p ≤ α and |effect| exceeds
the minimum effect and this run's own noise (and the interval excludes no change, so that test and
interval agree); `unchanged` when the whole interval sits inside ± the
minimum effect; otherwise `inconclusive`. The noise is the control pair: the two base runs of every
round, compared with each other (log A − log B, paired) like base and head are. Its spread is the
farther end of that comparison's 95 % interval, not its point estimate: under the null the point
estimate is as often small as the head's is large, and simulated, the interval halves the false
verdicts of a noisy run (tests/test_measure_stats.py). Until the control's interval is bounded (six
rounds) no slower or faster verdict is given. allocs/op and B/op are counts, not timings: they are
compared exactly (`count_verdict`).

Code layout (`groups`): base and head are different binaries, and where the linker puts a function (its
alignment against cache lines and the branch predictor's tables) can change its speed by tens of per
cent with no change in its code. measure therefore builds each side in several random layouts and runs
round r in layout r mod L, with a different base layout in A than in B. Then rounds are not independent:
rounds in the same layout share its bias, and however many rounds run, the mean over L layouts keeps a
bias of its own. So with `groups` (the layout of each round) the interval and the control are taken
over layouts, not rounds: each layout's value is the median of its rounds' log ratios, and the
signed-rank interval is cut from those L values (at least six are needed for a bounded 95 % interval);
the p-value compares the per-layout medians of head with those of base (each base layout of A and of B
counted once). Without `groups` every round is its own unit, as before.
"""

# ruff: noqa: RUF002  (typographic signs in the docstrings are deliberate)

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

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
    _check([*base, *head])
    estimate, lo, hi = hodges_lehmann(base, head, alpha)
    return Comparison(float(np.median(base)), float(np.median(head)), _pct(estimate), (_pct(lo), _pct(hi)),
                      _p_value(base, head))


def _check(values: Sequence[float]) -> None:
    if min(values) <= 0 or not all(math.isfinite(x) for x in values):
        raise ValueError("time/op samples must be positive and finite")


def verdict(c: Comparison, *, min_effect_pct: float = MIN_EFFECT_PCT, control_pct: float = 0.0,
            alpha: float = ALPHA) -> Verdict:
    threshold = max(min_effect_pct, abs(control_pct))
    # The interval must agree with the test: on a busy machine the unpaired U test can call a change
    # significant that the round-by-round interval does not exclude (measured: benchmarks/measure_null.py).
    if c.p_value <= alpha and c.delta_pct > threshold and c.ci_pct[0] > 0:
        return "slower"
    if c.p_value <= alpha and c.delta_pct < -threshold and c.ci_pct[1] < 0:
        return "faster"
    if -min_effect_pct <= c.ci_pct[0] and c.ci_pct[1] <= min_effect_pct:
        return "unchanged"
    return "inconclusive"


@lru_cache(maxsize=256)
def _w_cdf(n: int) -> tuple[float, ...]:
    """P(W+ ≤ w) for w = 0…n(n+1)/2 under the null: the coefficients of ∏ (1 + q^i), i = 1…n."""
    size = n * (n + 1) // 2 + 1
    poly = np.zeros(size)
    poly[0] = 1.0
    for i in range(1, n + 1):
        poly[i:] = poly[i:] + poly[:-i].copy()
    cdf = np.cumsum(poly) / poly.sum()
    return tuple(float(x) for x in cdf)


def signed_rank_cut(n: int, alpha: float = ALPHA) -> int:
    """K: the CI of a one-sample shift is [W(K), W(N+1−K)] over the N sorted Walsh averages (1-based);
    0 when n is too small for the confidence asked (fewer than 6 at 95 %)."""
    if n == 0:
        return 0
    if n > 300:
        mean = n * (n + 1) / 4.0
        sd = math.sqrt(n * (n + 1) * (2 * n + 1) / 24.0)
        return max(0, math.floor(mean - float(sps.norm.ppf(1 - alpha / 2)) * sd + 0.5))
    return sum(1 for p in _w_cdf(n) if p <= alpha / 2 + 1e-12)


def one_sample_hl(d: Sequence[float] | np.ndarray[Any, Any], alpha: float = ALPHA) -> tuple[float, float, float]:
    """(estimate, lo, hi) of the centre of d: the median of the Walsh averages and their signed-rank CI."""
    x = np.asarray(d, float)
    i, j = np.triu_indices(x.size)
    walsh = np.sort((x[i] + x[j]) / 2.0)
    estimate = float(np.median(walsh))
    cut = signed_rank_cut(x.size, alpha)
    if cut == 0:
        return estimate, -math.inf, math.inf
    return estimate, float(walsh[cut - 1]), float(walsh[walsh.size - cut])


def _p_value(base: Sequence[float], head: Sequence[float]) -> float:
    if len(set(base) | set(head)) == 1:
        return 1.0  # identical samples: scipy's test is undefined there, and there is nothing to detect
    return float(sps.mannwhitneyu(head, base, alternative="two-sided", method="auto").pvalue)


def by_group(values: Sequence[float] | np.ndarray[Any, Any], groups: Sequence[int] | None) -> np.ndarray[Any, Any]:
    """Per-round values as one value per group (the median of its rounds), groups in sorted order;
    None: every round is its own unit."""
    x = np.asarray(values, float)
    if groups is None:
        return x
    if len(groups) != x.size:
        raise ValueError("one group per round")
    keys = np.asarray(groups)
    return np.array([float(np.median(x[keys == k])) for k in sorted(set(groups))])


def _grouped(groups: Sequence[int] | None) -> bool:
    return groups is not None and len(set(groups)) > 1


def paired(base_a: Sequence[float], head: Sequence[float], base_b: Sequence[float],
           alpha: float = ALPHA, groups: Sequence[int] | None = None) -> Comparison:
    """head against the base runs around it, round by round (equal lengths, one entry per round); with
    `groups` (each round's code layout) the interval and the p-value are taken over layouts."""
    if not (len(base_a) == len(head) == len(base_b)) or not head:
        raise ValueError("paired samples need one value per round on each side")
    _check([*base_a, *head, *base_b])
    la, lh, lb = np.log(base_a), np.log(head), np.log(base_b)
    estimate, lo, hi = one_sample_hl(by_group(lh - (la + lb) / 2.0, groups), alpha)
    base = [*base_a, *base_b]
    if _grouped(groups):
        p = _p_value([*by_group(base_a, groups), *by_group(base_b, groups)], list(by_group(head, groups)))
    else:
        p = _p_value(base, head)
    return Comparison(float(np.median(base)), float(np.median(head)), _pct(estimate), (_pct(lo), _pct(hi)), p)


def control_pair(base_a: Sequence[float], base_b: Sequence[float], alpha: float = ALPHA,
                 groups: Sequence[int] | None = None) -> Comparison:
    """The two base runs of each round against each other: this run's own noise (with `groups`, the
    layouts' too: A and B then run different base layouts, and the interval is taken over layouts)."""
    if len(base_a) != len(base_b) or not base_a:
        raise ValueError("the control needs one A and one B value per round")
    _check([*base_a, *base_b])
    estimate, lo, hi = one_sample_hl(by_group(np.log(base_b) - np.log(base_a), groups), alpha)
    if _grouped(groups):
        p = _p_value(list(by_group(base_a, groups)), list(by_group(base_b, groups)))
    else:
        p = _p_value(base_a, base_b)
    return Comparison(float(np.median(base_a)), float(np.median(base_b)), _pct(estimate), (_pct(lo), _pct(hi)), p)


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
          min_effect_pct: float = MIN_EFFECT_PCT, noise_floor_pct: float = 0.0, alpha: float = ALPHA,
          groups: Sequence[int] | None = None) -> Judgement:
    """The whole decision for one benchmark from its rounds (A, head, B: one value each per round).
    `noise_floor_pct`: the run's typical control spread (the median over its benchmarks), a floor under
    this benchmark's own: noise belongs to the machine, and one benchmark's quiet control can be luck.
    `groups`: each round's code layout (see the module's doc)."""
    c = paired(base_a, head, base_b, alpha, groups)
    control = control_pair(base_a, base_b, alpha, groups)
    s = spread(control)
    bar = max(s, noise_floor_pct)
    v = verdict(c, min_effect_pct=min_effect_pct, control_pct=bar, alpha=alpha)
    units = len(set(groups)) if _grouped(groups) and groups is not None else len(head)
    strict = look_alpha(units, alpha)
    if v in ("slower", "faster") and strict < alpha:
        late = paired(base_a, head, base_b, strict, groups)
        if verdict(late, min_effect_pct=min_effect_pct, control_pct=bar, alpha=strict) != v:
            v = "inconclusive"
    return Judgement(c, control, s, v)


def look_alpha(units: int, alpha: float = ALPHA, first: int = 6) -> float:
    """The level a slower or faster verdict must reach after `units` units (layouts, or rounds): alpha up to
    2 × `first` units, then alpha / 4 up to 4 ×, alpha / 8 up to 8 ×, and so on. A measurement looks after
    every round and stops at the first verdict; with a fresh layout per round each look adds an
    independent unit, and at one level for every look the chance that noise crosses it once grows with
    the looks (measured: 6 of 40 null runs of 66–162 rounds called slower or faster at p = 0.03–0.04).
    Halving the level with every doubling of the units spends alpha / 2 over all the later epochs; the
    first keeps alpha, as before fresh layouts (six units cannot reach a stricter level)."""
    epoch = max(0, math.floor(math.log2(max(units, first) / first)))
    return alpha if epoch == 0 else alpha / 2 ** (epoch + 1)


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
