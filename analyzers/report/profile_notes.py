"""CPU profiles in the review: what the Summary says about the profiles used (their age, their warnings,
the files that could not be used), the share shown per function, and the orderings that put the
profile-hottest first. The sections call these; nothing here lays out a section."""



from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from analyzers.model import Finding, FunctionFact, ProfileReport, Result
from analyzers.pprof.tiers import percent
from analyzers.report.md import code, plural


def summary_note(result: Result) -> str | None:
    """One paragraph naming each profile used, how old it is and what went wrong; None without profiles."""
    if not result.profiles and not result.profile_problems:
        return None
    parts = [_described(p) for p in result.profiles]
    for p in result.profiles:
        parts += [f"⚠️ {code(p.source)}: {w}." for w in p.warnings]
        if p.unmatched:
            parts.append(f"{plural(p.unmatched_count, 'function')} of the analysed packages in {code(p.source)} "
                         f"match nothing here (renamed or removed since it was recorded?): {_names(p.unmatched)}.")
    parts += [f"⚠️ {code(p.source)} was not used: {p.message}." for p in result.profile_problems]
    if not result.profiles:
        parts.append("Tiers come from static evidence only.")
    return " ".join(parts)


def hot_path_note(result: Result) -> str | None:
    """How profiles changed the tiers, for the Hot Path Analysis; None without profiles."""
    if not result.profiles:
        return None
    threshold = percent(result.profiles[0].threshold)
    return (f"A profile sets the tiers of the packages it covers: hot at {threshold} of CPU samples or more "
            "(cumulative: the function and what it calls), cold without samples; functions the change adds keep "
            "their static tier.")


def _described(p: ProfileReport) -> str:
    when = ""
    if p.time_nanos > 0:
        day = datetime.fromtimestamp(p.time_nanos / 1e9, UTC).strftime("%Y-%m-%d")
        age = "" if p.age_days is None else f", {_age(p.age_days)}"
        when = f", recorded {day}{age}"
    cpu = f"{p.total / 1e9:.1f} s of CPU, " if p.sample_type == "cpu/nanoseconds" else ""
    return (f"**CPU profile:** {code(p.source)} ({cpu}{plural(p.samples, 'sample')}{when}) ranks the functions it "
            f"covers; {plural(p.matched, 'analysed function')} had samples in it.")


def _names(symbols: Sequence[str], shown: int = 3) -> str:
    listed = ", ".join(code(s) for s in symbols[:shown])
    return listed + (", …" if len(symbols) > shown else "")


def _age(days: float) -> str:
    if days < 1:
        return "less than a day old"
    return f"{days:.0f} day{'s' if round(days) != 1 else ''} old"


def share_text(fact: FunctionFact) -> str:
    """' · 95.0% CPU' for a function a profile covers, '' otherwise: for the tier cell."""
    if fact.cpu_share is None:
        return ""
    return f" · {percent(fact.cpu_share)} CPU"


def tier_cell(fact: FunctionFact) -> str:
    return fact.hot_path + share_text(fact)


def share_weighted(f: Finding, weight: float) -> float:
    """The estimated cost of a finding weighted by its function's CPU share (0 without a profile)."""
    return (f.cpu_share or 0.0) * weight


def hottest_first(facts: Sequence[FunctionFact]) -> list[FunctionFact]:
    """Highest cumulative CPU share first; functions no profile covers keep their order after them."""
    return sorted(facts, key=lambda f: -(f.cpu_share or 0.0))


def profile_lines(result: Result) -> list[str]:
    """Plain-text lines for the command line's footer."""
    lines: list[str] = []
    for p in result.profiles:
        when = ""
        if p.time_nanos > 0:
            day = datetime.fromtimestamp(p.time_nanos / 1e9, UTC).strftime("%Y-%m-%d")
            when = f", recorded {day}" + ("" if p.age_days is None else f" ({_age(p.age_days)})")
        lines.append(f"{p.source}: profile: {plural(p.samples, 'sample')}{when}, "
                     f"{plural(p.matched, 'analysed function')} with samples")
        lines += [f"{p.source}: profile warning: {w}" for w in p.warnings]
        if p.unmatched:
            lines.append(f"{p.source}: profile functions matching no analysed function: "
                         + ", ".join(p.unmatched[:5]) + (", ..." if p.unmatched_count > 5 else ""))
    lines += [f"{p.source}: profile not used: {p.message}" for p in result.profile_problems]
    hottest = [f for f in hottest_first(result.functions) if f.cpu_share][:5]
    if hottest:
        listed = ", ".join(f"{f.qualified_name} {percent(f.cpu_share or 0.0)}" for f in hottest)
        lines.append(f"hottest analysed functions by CPU profile (cumulative): {listed}")
    return lines
