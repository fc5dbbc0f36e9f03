"""Line-level views of gofmt'd Go source that let tree-sitter parse only what a question needs.

Parsing is most of the engine's cost, and two questions need only part of a file: which functions a
package's benchmarks call (only the `Benchmark` functions of its `_test.go` files), and what a
dependency exports (only its declarations, not its function bodies). Both views keep every line in
place (dropped lines become empty), so positions in the view are positions in the file.

gofmt puts a top-level `func` at column 0 and its closing brace alone on a line at column 0; the scan
relies on that. A file that is not gofmt'd, or a raw string whose lines mimic those shapes, yields a
view with parse errors: tree-sitter recovers, and what the view is used for is evidence, not proof.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FUNC = re.compile(rb"^func\s*(\([^)]*\))?\s*(\w+)")
_DECL = re.compile(rb"^(func|type|var|const)\b")


@dataclass(frozen=True)
class FuncSpan:
    """A top-level function: name, receiver text ("" for none), and its 0-based first line, the line
    its body opens on and its last line."""

    name: str
    receiver: str
    start: int
    body_start: int
    end: int


def func_spans(src: bytes) -> list[FuncSpan]:
    lines = src.split(b"\n")
    out: list[FuncSpan] = []
    i = 0
    n = len(lines)
    while i < n:
        m = _FUNC.match(lines[i]) if lines[i].startswith(b"func") else None
        if m is None:
            i += 1
            continue
        body = _body_line(lines, i)
        if body < 0:
            out.append(_span(m, i, i, i))  # a one-line function, or one without a body
            i += 1
            continue
        end = _closing_line(lines, body)
        out.append(_span(m, i, body, end))
        i = end + 1
    return out


def _body_line(lines: list[bytes], start: int) -> int:
    """The line that opens the body: the first ending in "{" (a signature may wrap), or -1."""
    for j in range(start, len(lines)):
        stripped = lines[j].rstrip()
        if j > start and (not stripped or _DECL.match(stripped)):
            return -1
        if stripped.endswith(b"{"):
            return j
        if stripped.endswith(b"}"):
            return -1
    return -1


def _closing_line(lines: list[bytes], body: int) -> int:
    """The line holding the body's closing brace alone at column 0. Lines inside a raw string (an odd
    number of backquotes seen so far) do not count."""
    quotes = 0
    for k in range(body + 1, len(lines)):
        line = lines[k]
        if quotes % 2 == 0:
            if line.rstrip() == b"}":
                return k
            if _DECL.match(line):
                return k - 1  # not gofmt'd: stop before the next declaration
        quotes += line.count(b"`")
    return len(lines) - 1


def _span(m: re.Match[bytes], start: int, body: int, end: int) -> FuncSpan:
    recv = m.group(1)
    return FuncSpan(
        name=m.group(2).decode("utf-8", "replace"),
        receiver=recv.decode("utf-8", "replace") if recv else "",
        start=start,
        body_start=body,
        end=end,
    )


def signature(src: bytes, span: FuncSpan) -> str:
    """The text from `func` to the opening brace of the body."""
    lines = src.split(b"\n")[span.start : span.body_start + 1]
    return b" ".join(x.strip() for x in lines).decode("utf-8", "replace")


def keep_lines(src: bytes, keep: list[tuple[int, int]]) -> bytes:
    """src with every line outside the inclusive 0-based ranges emptied."""
    lines = src.split(b"\n")
    wanted = bytearray(len(lines))
    for a, b in keep:
        for k in range(max(a, 0), min(b, len(lines) - 1) + 1):
            wanted[k] = 1
    return b"\n".join(line if wanted[k] else b"" for k, line in enumerate(lines))


def header_end(src: bytes) -> int:
    """The 0-based line of the first top-level declaration (the package clause and imports lie above)."""
    for k, line in enumerate(src.split(b"\n")):
        if _DECL.match(line):
            return k
    return src.count(b"\n")


def only_funcs(src: bytes, spans: list[FuncSpan]) -> bytes:
    """The package clause, the imports and the given functions; nothing else."""
    head = header_end(src)
    return keep_lines(src, [(0, head - 1), *((s.start, s.end) for s in spans)])


def without_bodies(src: bytes) -> bytes:
    """Every declaration with its function bodies emptied: what a package exports, cheap to parse."""
    spans = func_spans(src)
    if not spans:
        return src
    lines = src.split(b"\n")
    keep: list[tuple[int, int]] = []
    prev = 0
    for s in spans:
        if s.end > s.body_start:
            keep.append((prev, s.body_start))
            prev = s.end
    keep.append((prev, len(lines) - 1))
    return keep_lines(src, keep)
