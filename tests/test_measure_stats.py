# ruff: noqa: RUF002, RUF003  (typographic signs are deliberate, as in the review text)

"""bot/measure/stats.py on synthetic samples: the exact U distribution, the Hodges–Lehmann interval, the
verdict rules of issue 12, and their error rates on simulated noise (seeded, pure Python, fast)."""

from __future__ import annotations

import math
import random

import pytest
from scipy import stats as sps

from bot.measure import stats
from bot.measure.stats import Comparison, compare, count_verdict, rank_cut, verdict


def lognormal(rng: random.Random, median: float, sigma: float, n: int) -> list[float]:
    return [median * math.exp(rng.gauss(0.0, sigma)) for _ in range(n)]


@pytest.mark.parametrize(("m", "n", "cut"), [(10, 10, 24), (8, 8, 14), (5, 5, 3), (20, 10, 56), (3, 3, 0)])
def test_rank_cut_is_the_published_critical_value_plus_one(m: int, n: int, cut: int) -> None:
    # Two-sided α = 0.05 critical values of U (reject when U ≤ critical): 23 for 10/10, 13 for 8/8, 2 for 5/5;
    # 3/3 cannot reach 95 % at all, so the interval must be unbounded.
    assert rank_cut(m, n) == cut


def test_exact_u_distribution_matches_scipy() -> None:
    m, n = 7, 5
    base = [i + 0.5 for i in range(m)]
    cdf = stats._u_cdf(m, n)
    for shift in range(-6, 7):
        head = [j + shift + 0.25 for j in range(n)]
        u = sum(h > b for h in head for b in base)
        expected = sps.mannwhitneyu(head, base, method="exact", alternative="less").pvalue
        assert cdf[u] == pytest.approx(expected, rel=1e-9)


def test_a_doubling_is_slower_with_its_factor_in_the_interval() -> None:
    rng = random.Random(1)
    c = compare(lognormal(rng, 1000, 0.03, 20), lognormal(rng, 2000, 0.03, 10))
    assert c.delta_pct == pytest.approx(100, abs=5)
    assert c.ci_pct[0] < 100 < c.ci_pct[1]
    assert c.p_value < 0.001
    assert c.head_median == pytest.approx(2000, rel=0.05)
    assert verdict(c) == "slower"


def test_a_halving_is_faster() -> None:
    rng = random.Random(2)
    c = compare(lognormal(rng, 1000, 0.03, 20), lognormal(rng, 500, 0.03, 10))
    assert c.delta_pct == pytest.approx(-50, abs=3)
    assert verdict(c) == "faster"


def test_no_change_with_little_noise_is_unchanged() -> None:
    rng = random.Random(3)
    c = compare(lognormal(rng, 1000, 0.01, 20), lognormal(rng, 1000, 0.01, 10))
    assert -5 < c.ci_pct[0] < c.ci_pct[1] < 5
    assert verdict(c) == "unchanged"


def test_no_change_with_much_noise_is_inconclusive_not_a_verdict() -> None:
    rng = random.Random(4)
    c = compare(lognormal(rng, 1000, 0.4, 10), lognormal(rng, 1000, 0.4, 5))
    assert verdict(c) == "inconclusive"


def test_a_significant_change_below_the_minimum_effect_is_not_slower() -> None:
    rng = random.Random(5)
    c = compare(lognormal(rng, 1000, 0.002, 40), lognormal(rng, 1030, 0.002, 20))
    assert c.p_value < 0.001 and 2 < c.delta_pct < 4
    assert verdict(c) == "unchanged"  # the whole interval sits inside ±5 %
    assert verdict(c, min_effect_pct=1.0) == "slower"


def test_an_interval_that_includes_no_change_vetoes_a_significant_p() -> None:
    assert verdict(Comparison(1000, 1700, 76.5, (-7.7, 189.2), 0.03)) == "inconclusive"
    assert verdict(Comparison(1000, 500, -50.0, (-70.0, 2.0), 0.03)) == "inconclusive"


def test_the_control_spread_raises_the_bar() -> None:
    c = Comparison(1000, 1080, 8.0, (6.0, 10.0), 0.001)
    assert verdict(c) == "slower"
    assert verdict(c, control_pct=9.0) == "inconclusive"
    assert verdict(c, control_pct=-9.0) == "inconclusive"  # the spread's size counts, not its sign


def test_too_few_samples_give_an_unbounded_interval_and_no_verdict() -> None:
    c = compare([100.0, 101.0], [300.0])
    assert c.ci_pct == (-math.inf, math.inf)
    assert verdict(c) == "inconclusive"


def test_identical_samples_compare_without_error() -> None:
    c = compare([5.0] * 6, [5.0] * 3)
    assert c.delta_pct == 0 and c.p_value == 1.0
    assert verdict(c) == "unchanged"


@pytest.mark.parametrize("bad", [[], [0.0, 1.0], [-1.0], [math.nan], [math.inf]])
def test_bad_samples_are_refused(bad: list[float]) -> None:
    with pytest.raises(ValueError):
        compare(bad, [1.0, 2.0])


def test_interval_coverage_is_near_95_percent() -> None:
    rng = random.Random(6)
    trials, covered = 300, 0
    for _ in range(trials):
        c = compare(lognormal(rng, 1000, 0.05, 12), lognormal(rng, 1300, 0.05, 6))
        covered += c.ci_pct[0] <= 30.0 <= c.ci_pct[1]
    assert 0.90 <= covered / trials <= 0.995


def _null_round_robin(rng: random.Random, sigma: float, rounds: int) -> tuple[list[float], ...]:
    """A, head, B of one benchmark under the null, each round shifted alike by machine drift."""
    a: list[float] = []
    h: list[float] = []
    b: list[float] = []
    for _ in range(rounds):
        drift = rng.gauss(0.0, 0.03)
        for side in (a, h, b):
            side.append(1000 * math.exp(drift + rng.gauss(0.0, sigma)))
    return a, h, b


def test_the_raw_rule_alone_gives_false_verdicts_on_noisy_samples() -> None:
    """Why a control is needed: p ≤ 0.05 and |delta| > 5 % on 5 %-noise samples is wrong several % of the time."""
    rng = random.Random(7)
    verdicts = [verdict(compare(lognormal(rng, 1000, 0.05, 12), lognormal(rng, 1000, 0.05, 6)))
                for _ in range(300)]
    assert sum(v in ("slower", "faster") for v in verdicts) >= 6


@pytest.mark.parametrize(("sigma", "rounds", "at_most"), [(0.05, 6, 1), (0.10, 10, 1), (0.15, 30, 1)])
def test_with_the_control_pair_null_benchmarks_almost_never_get_a_verdict(sigma: float, rounds: int,
                                                                            at_most: int) -> None:
    rng = random.Random(8)
    judged = [stats.judge(*_null_round_robin(rng, sigma, rounds)) for _ in range(150)]
    assert sum(j.verdict in ("slower", "faster") for j in judged) <= at_most


def test_the_control_does_not_hide_a_large_effect() -> None:
    rng = random.Random(9)
    a, h, b = _null_round_robin(rng, 0.10, 6)
    j = stats.judge(a, [x * 10 for x in h], b)
    assert j.verdict == "slower" and j.comparison.delta_pct > 500
    assert math.isfinite(j.spread_pct)


def test_no_verdict_before_the_control_has_an_interval() -> None:
    rng = random.Random(10)
    a, h, b = _null_round_robin(rng, 0.01, 5)
    j = stats.judge(a, [x * 10 for x in h], b)
    assert j.spread_pct == math.inf and j.verdict == "inconclusive"


@pytest.mark.parametrize(("n", "cut"), [(5, 0), (6, 1), (8, 4), (10, 9), (20, 53)])
def test_signed_rank_cut_is_the_published_critical_value_plus_one(n: int, cut: int) -> None:
    assert stats.signed_rank_cut(n) == cut


def test_exact_signed_rank_distribution_matches_scipy() -> None:
    d = [0.3, -1.1, 2.2, 0.7, 1.5, -0.2, 0.9, 1.8]
    ranks = sps.rankdata([abs(x) for x in d])
    w = int(sum(r for r, x in zip(ranks, d, strict=True) if x > 0))
    expected = sps.wilcoxon(d, alternative="less", method="exact").pvalue
    assert stats._w_cdf(len(d))[w] == pytest.approx(expected, rel=1e-9)


def test_pairing_by_round_cancels_drift_that_the_unpaired_interval_cannot() -> None:
    """Rounds drift by ±20 % together; within a round the noise is 2 %. Paired: a tight interval."""
    rng = random.Random(11)
    a, h, b = [], [], []
    for _ in range(12):
        drift = rng.gauss(0.0, 0.2)
        a.append(1000 * math.exp(drift + rng.gauss(0.0, 0.02)))
        h.append(1000 * math.exp(drift + rng.gauss(0.0, 0.02)))
        b.append(1000 * math.exp(drift + rng.gauss(0.0, 0.02)))
    j = stats.judge(a, h, b)
    unpaired = compare([*a, *b], h)
    assert j.verdict == "unchanged" and j.comparison.ci_pct[1] - j.comparison.ci_pct[0] < 5
    assert unpaired.ci_pct[1] - unpaired.ci_pct[0] > 20


def test_paired_samples_must_line_up() -> None:
    with pytest.raises(ValueError):
        stats.judge([1.0, 2.0], [1.0], [1.0, 2.0])


@pytest.mark.parametrize(("base", "head", "expected"), [
    ([1, 1, 1], [1000, 1000], "more"),
    ([3, 3], [0, 0, 0], "fewer"),
    ([2, 2, 2], [2, 2], "unchanged"),
    ([6, 7, 6], [7, 6], "unchanged"),  # a map that grows with b.N: overlapping ranges, same median
    ([6, 7, 7], [6, 6, 8], "inconclusive"),
    ([], [1], "inconclusive"),
])
def test_count_verdicts(base: list[int], head: list[int], expected: str) -> None:
    assert count_verdict(base, head) == expected


def test_the_run_wide_noise_floor_can_veto_a_benchmark_with_a_lucky_control() -> None:
    rng = random.Random(12)
    a, h, b = _null_round_robin(rng, 0.01, 8)
    j = stats.judge(a, [x * 1.3 for x in h], b)
    assert j.verdict == "slower"
    assert stats.judge(a, [x * 1.3 for x in h], b, noise_floor_pct=40.0).verdict == "inconclusive"


def _null_with_layouts(rng: random.Random, layout_sigma: float, noise: float, rounds: int,
                       layouts: int, one_base: bool = False) -> tuple[list[float], list[float], list[float], list[int]]:
    """A, head, B under the null, where every binary has a code layout of its own that shifts its time by a
    fixed factor: head layouts, base layouts of run A and of run B (the same binaries with `one_base`, as a
    control that runs one binary twice); round r runs layout r mod `layouts`."""
    bias = {side: [rng.gauss(0.0, layout_sigma) for _ in range(layouts)] for side in "ahb"}
    if one_base:
        bias["b"] = bias["a"]
    a: list[float] = []
    h: list[float] = []
    b: list[float] = []
    for r in range(rounds):
        drift = rng.gauss(0.0, 0.03)
        for side, out in (("a", a), ("h", h), ("b", b)):
            out.append(1000 * math.exp(drift + bias[side][r % layouts] + rng.gauss(0.0, noise)))
    return a, h, b, [r % layouts for r in range(rounds)]


def test_one_layout_per_side_turns_layout_into_false_verdicts_the_control_cannot_see() -> None:
    """Base and head each built once (the design before layouts): the control runs base's one binary twice."""
    rng = random.Random(13)
    judged = [stats.judge(*_null_with_layouts(rng, 0.10, 0.02, 20, 1, one_base=True)[:3]) for _ in range(150)]
    assert sum(j.verdict in ("slower", "faster") for j in judged) >= 30


def test_many_rounds_over_few_layouts_still_mislead_statistics_that_count_rounds() -> None:
    """Six layouts interleaved, but every round counted as independent: the interval shrinks around the
    six layouts' own bias, and the control (a different six) often misses it."""
    rng = random.Random(14)
    judged = [stats.judge(*_null_with_layouts(rng, 0.10, 0.02, 60, 6)[:3]) for _ in range(150)]
    assert sum(j.verdict in ("slower", "faster") for j in judged) >= 5


@pytest.mark.parametrize(("layout_sigma", "rounds"), [(0.10, 60), (0.20, 30), (0.02, 12)])
def test_with_layouts_as_the_unit_null_benchmarks_almost_never_get_a_verdict(layout_sigma: float,
                                                                             rounds: int) -> None:
    rng = random.Random(15)
    judged = []
    for _ in range(150):
        a, h, b, groups = _null_with_layouts(rng, layout_sigma, 0.02, rounds, 6)
        judged.append(stats.judge(a, h, b, groups=groups))
    assert sum(j.verdict in ("slower", "faster") for j in judged) <= 1


def test_layouts_as_the_unit_still_find_a_large_effect_and_bound_a_small_noise() -> None:
    rng = random.Random(16)
    a, h, b, groups = _null_with_layouts(rng, 0.10, 0.02, 7, 6)
    j = stats.judge(a, [x * 3 for x in h], b, groups=groups)
    assert j.verdict == "slower" and 100 < j.comparison.delta_pct < 400
    assert j.comparison.p_value < 0.001  # six head layouts above all twelve base layouts
    a, h, b, groups = _null_with_layouts(rng, 0.002, 0.002, 12, 6)
    assert stats.judge(a, h, b, groups=groups).verdict == "unchanged"


def test_five_layouts_cannot_bound_a_95_percent_interval() -> None:
    rng = random.Random(17)
    a, h, b, groups = _null_with_layouts(rng, 0.01, 0.01, 30, 5)
    j = stats.judge(a, [x * 10 for x in h], b, groups=groups)
    assert j.comparison.ci_pct == (-math.inf, math.inf) and j.verdict == "inconclusive"


def test_by_group_takes_the_median_of_each_groups_rounds() -> None:
    assert list(stats.by_group([1.0, 10.0, 3.0, 20.0, 5.0], [0, 1, 0, 1, 0])) == [3.0, 15.0]
    assert list(stats.by_group([2.0, 1.0], None)) == [2.0, 1.0]
    with pytest.raises(ValueError):
        stats.by_group([1.0, 2.0], [0])


def test_the_level_of_a_slower_or_faster_verdict_halves_with_every_doubling_of_the_units() -> None:
    assert [stats.look_alpha(u) for u in (6, 11, 12, 23, 24, 48, 100)] == [
        0.05, 0.05, 0.0125, 0.0125, 0.00625, 0.003125, 0.0015625]


def test_after_80_layouts_a_marginal_change_is_not_a_verdict_a_large_one_is() -> None:
    """80 layout units (as 80 rounds of fresh layouts give): head +7 % with a 25 % spread is significant
    at p = 0.006, which the first looks would take, but not at the level left for the 80th look."""
    n = 80
    z = [float(sps.norm.ppf((i + 0.5) / n)) for i in range(n)]
    z = [z[(i * 37) % n] for i in range(n)]
    a = [1000 * math.exp(0.05 * z[(i * 11) % n]) for i in range(n)]
    b = [1000 * math.exp(0.05 * z[(i * 13 + 5) % n]) for i in range(n)]
    for shift, expected in ((0.07, "inconclusive"), (0.5, "slower")):
        h = [1000 * math.exp(shift + 0.25 * q) for q in z]
        j = stats.judge(a, h, b, groups=list(range(n)))
        assert j.verdict == expected
        assert stats.verdict(j.comparison, control_pct=j.spread_pct) == "slower"  # at one level for every look
