"""Short inline texts for findings: the message, why, the fix, and a ```suggestion``` only when the
finding carries a mechanical fix AND the whole replacement line can be rebuilt exactly."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from analyzers.model import Finding
from analyzers.report.context import advice_of
from analyzers.report.estimate import Estimate, estimate
from analyzers.report.md import code, fenced
from analyzers.source import descendants, parse, text

_WS = re.compile(r"\s+")
MAX_INLINE = 1_500


@dataclass(frozen=True)
class InlineNote:
    path: str
    line: int
    body: str
    fingerprint: str
    rule: str
    severity: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def deserves_inline(f: Finding) -> bool:
    """New findings worth interrupting the diff for: warnings and errors (info stays in the summary)."""
    return f.status != "pre-existing" and f.severity != "info"


def inline_body(f: Finding, sources: Mapping[str, bytes | None] | None = None, est: Estimate | None = None) -> str:
    adv = advice_of(f)
    e = est or estimate(f)
    cost = e.text if e.cost else ""
    lines = [
        f"**perf-review** · {code(f.rule)} · {f.severity} · {f.hot_path} path",
        "",
        f.message,
        "",
        f"**Why:** {adv.why}" + (f" ({cost})." if cost else "."),
        f"**Fix:** {adv.fix}.",
    ]
    if f.suggestion:
        line = suggested_line(f, sources) if sources is not None else None
        if line is not None:
            lines += ["", fenced(line, "suggestion")]
        else:
            lines += ["", "Replacement for the flagged expression:", "", fenced(f.suggestion, "go")]
    body = "\n".join(lines)
    return body if len(body) <= MAX_INLINE else body[: MAX_INLINE - 1] + "…"


def inline_notes(findings: list[Finding], sources: Mapping[str, bytes | None] | None = None,
                 estimates: Callable[[Finding], Estimate] | None = None) -> list[InlineNote]:
    return [InlineNote(f.file, f.line, inline_body(f, sources, estimates(f) if estimates else None), f.fingerprint,
                       f.rule, f.severity)
            for f in findings if deserves_inline(f)]


def suggested_line(f: Finding, sources: Mapping[str, bytes | None]) -> str | None:
    """The finding's whole line with the flagged node replaced by the suggestion, or None when the node
    spans lines or cannot be identified for certain (its fingerprint must match)."""
    src = sources.get(f.file)
    if src is None or f.suggestion is None or f.line != f.end_line or "\n" in f.suggestion:
        return None
    row, col = f.line - 1, f.column - 1
    lines = src.split(b"\n")
    if row >= len(lines):
        return None
    for node in descendants(parse(src).root_node):
        if node.start_point[0] > row:
            break
        if node.start_point != (row, col) or node.end_point[0] != row:
            continue
        if _matches(f, text(node)):
            line = lines[row]
            new = line[:col] + f.suggestion.encode() + line[node.end_point[1] :]
            return new.decode("utf-8", "replace").rstrip("\r")
    return None


def _matches(f: Finding, node_text: str) -> bool:
    key = _WS.sub(" ", node_text).strip()
    for n in range(16):
        raw = "\x1f".join((f.rule, f.function, key, str(n)))
        if hashlib.sha1(raw.encode()).hexdigest()[:16] == f.fingerprint:
            return True
    return False
