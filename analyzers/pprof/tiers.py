"""Profile tiers: a layer over the static tiers of analyzers.hotpath, never a replacement.

Where a CPU profile covers a package, measured time outranks guessed shape: a function at or above
the threshold share of samples (cumulative) is hot whatever its shape, one without samples is cold,
one below the threshold is at most warm; main and init, whose cumulative share is everything they
start, are hot only by their own (flat) samples. Two things keep their static tier: a function the change
under review adds (the profile predates it) and an explicit `//perf-review:hot` mark or configured
hot-path glob (the user's word). Packages no profile covers keep their static tiers untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from analyzers.hotpath import USER_MARKS, Heat, top_function
from analyzers.pprof.mapping import PackageShares, Share
from analyzers.source import Func

DEFAULT_THRESHOLD = 0.01
# Run once per process: their cumulative share is the whole program they start, not their own cost.
_ONCE = frozenset({"main", "init"})


def percent(share: float) -> str:
    if 0 < share < 0.001:
        return "<0.1%"
    return f"{share * 100:.1f}%"


def profile_heat(
    static: Mapping[Func, Heat],
    shares: PackageShares,
    threshold: float = DEFAULT_THRESHOLD,
    is_new: Callable[[Func], bool] = lambda _f: False,
) -> dict[Func, Heat]:
    """The tiers of one package with its profile shares applied (top-level functions first, then
    function literals, which may inherit from theirs)."""
    if not shares.covered_by:
        return dict(static)
    out: dict[Func, Heat] = {}
    for func, heat in static.items():
        if not func.is_literal:
            out[func] = _tier(func, heat, shares, threshold, is_new)
    for func, heat in static.items():
        if func.is_literal:
            out[func] = _literal_tier(func, heat, out, shares, threshold, is_new)
    return out


def _tier(func: Func, heat: Heat, shares: PackageShares, threshold: float, is_new: Callable[[Func], bool]) -> Heat:
    share = shares.share(func)
    if share is None or is_new(top_function(func)):  # not covered, or added by the change
        return heat
    if not func.receiver and func.name in _ONCE:
        return _once_tier(heat, share, threshold)
    if share.cum >= threshold:
        kept = heat.reasons if heat.tier != "cold" else []
        return Heat("hot", [_measured(share), *kept], measured=True)
    if any(mark in heat.reasons for mark in USER_MARKS):
        return heat
    if share.cum == 0:
        return Heat("cold", [f"no CPU samples in {share.source}, which covers its package"])
    note = f"only {percent(share.cum)} of CPU samples (cumulative) in {share.source}, under the " \
           f"{percent(threshold)} hot threshold"
    if heat.tier == "hot":
        return Heat("warm", [note, *heat.reasons])
    return Heat(heat.tier, [note, *heat.reasons])


def _once_tier(heat: Heat, share: Share, threshold: float) -> Heat:
    """main and init are hot only when their own code (flat) takes the threshold share."""
    if share.flat >= threshold:
        return Heat("hot", [f"{percent(share.flat)} of CPU samples (flat, its own code) in {share.source}"],
                    measured=True)
    if share.cum == 0:
        return heat
    return Heat(heat.tier, [*heat.reasons, f"its {percent(share.cum)} cumulative share in {share.source} is the "
                                          f"work it starts; its own code has {percent(share.flat)}"])


def _literal_tier(func: Func, heat: Heat, done: Mapping[Func, Heat], shares: PackageShares, threshold: float,
                  is_new: Callable[[Func], bool]) -> Heat:
    """A closure matched by name is tiered like any function. One without samples of its own (the
    compiler may have renamed an inlined copy) follows its enclosing function where it statically did,
    and keeps a per-element static reason (a sort callback, a literal run per iteration) unless the
    enclosing function itself never ran."""
    own = shares.shares.get(func)
    if own is not None:
        return _tier(func, heat, shares, threshold, is_new)
    top = top_function(func)
    parent = done.get(top, heat)
    parent_share = shares.share(top)
    if heat.reasons[:1] == [f"inside {top.qualified_name}"]:
        return Heat(parent.tier, [f"inside {top.qualified_name}", *parent.reasons], measured=parent.measured)
    if parent_share is not None and parent_share.cum == 0 and parent.tier == "cold" and not is_new(top):
        return Heat("cold", [f"inside {top.qualified_name}", *parent.reasons])
    return heat


# The reason a profile gives a function it makes hot: "8.5% of CPU samples (cumulative) in default.pgo".
MEASURED_REASON = " of CPU samples (cumulative) in "


def _measured(share: Share) -> str:
    return f"{percent(share.cum)}{MEASURED_REASON}{share.source}"
