"""GitHub-flavoured Markdown building blocks that are well-formed by construction."""

from __future__ import annotations

import re
from collections.abc import Sequence

_BACKTICKS = re.compile(r"`+")


def cell(value: object) -> str:
    """Text safe inside a table cell: one line, pipes escaped."""
    s = str(value).replace("\r", " ").replace("\n", " ").replace("|", "\\|").strip()
    return s or " "


def code(value: str) -> str:
    """Inline code that survives backticks inside it."""
    longest = max((len(m.group(0)) for m in _BACKTICKS.finditer(value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    for row in rows:
        padded = [*row, *([""] * (len(headers) - len(row)))][: len(headers)]
        lines.append("| " + " | ".join(cell(c) for c in padded) + " |")
    return "\n".join(lines)


def details(summary: str, body: str) -> str:
    """A folded block; the blank lines let GitHub render the Markdown inside it."""
    summary = summary.replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")
    return f"<details>\n<summary>{summary}</summary>\n\n{body.strip()}\n\n</details>"


def fenced(body: str, lang: str = "") -> str:
    longest = max((len(m.group(0)) for m in _BACKTICKS.finditer(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{body.rstrip()}\n{fence}"


def checkbox(items: Sequence[str]) -> str:
    return "\n".join(f"- [ ] {item}" for item in items)


def bullets(items: Sequence[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def numbered(items: Sequence[str], start: int = 1) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=start))


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
