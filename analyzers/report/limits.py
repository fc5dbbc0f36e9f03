"""GitHub's size limits: a comment body holds 65,536 characters, a check run's summary and text 65,535
each. Reviews are assembled from parts; when they do not fit, optional parts (long finding lists,
benchmark code, folded detail) are cut, largest first, and a note says what was cut. Parts are whole
Markdown blocks, so cutting never leaves an open table, fence or <details>.

Before any of that, a review is kept readable: parts a command reprints (the generated benchmark files)
are left out, largest first, once the review passes READ_BUDGET, with a note naming the command.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

COMMENT_LIMIT = 65_536
CHECK_LIMIT = 65_535
# The publisher adds a hidden marker and state to the comment: leave it room.
REVIEW_BUDGET = 65_000
# Past this many characters a review leaves out what a command reprints (issue 13: a review is as long
# as what it has to say; the demo's, with six findings and its benchmark files, stays under 8,000).
READ_BUDGET = 12_000
ROWS_INLINE = 25  # table rows shown before the rest is folded
ROWS_PER_FOLD = 100


@dataclass
class Part:
    text: str
    optional: bool = False
    label: str = ""  # what the part holds, named in the note when it is cut
    group: str = ""  # parts of one folded list: their cuts are reported in one note
    reprinted: bool = False  # a command prints it (label names the command): left out of long reviews
    cut: bool = False
    brief: bool = False  # cut for readability (READ_BUDGET), not for GitHub's limit


@dataclass
class Block:
    title: str  # "" for a block without a heading
    parts: list[Part] = field(default_factory=list)

    def add(self, text: str, *, optional: bool = False, label: str = "", group: str = "",
            reprinted: bool = False) -> None:
        if text:
            self.parts.append(Part(text, optional or reprinted, label, group or label, reprinted))


def cut_note(label: str, limit: int, brief: bool = False) -> str:
    if brief:
        return f"_Left out to keep this review short: {label}._"
    return f"_Cut to fit GitHub's {limit:,}-character limit: {label}._"


def _texts(block: Block, limit: int) -> list[str]:
    out: list[str] = []
    run: list[Part] = []
    for p in [*block.parts, Part("")]:
        if p.cut and (not run or (run[0].group, run[0].brief) == (p.group, p.brief)):
            run.append(p)
            continue
        if run:
            if len(run) == 1:
                label = run[0].label
            elif run[0].brief:  # the files of several packages: one note, one command per package
                label = f"{run[0].group} of {len(run)} packages; print one with `perf-review benchmarks DIR`"
            else:
                label = f"{run[0].group} ({len(run)} folded parts)"
            out.append(cut_note(label or "detail", limit, run[0].brief))
            run = []
        if p.cut:
            run.append(p)
        elif p.text:
            out.append(p.text)
    return out


def render(blocks: Sequence[Block], level: int = 3, limit: int = COMMENT_LIMIT) -> str:
    out: list[str] = []
    for b in blocks:
        if b.title:
            out.append(f"{'#' * level} {b.title}")
        out.extend(_texts(b, limit))
    return "\n\n".join(out).strip() + "\n"


def fit(blocks: list[Block], budget: int, limit: int, level: int = 3, read_budget: int | None = None) -> str:
    """Render blocks within budget characters, cutting optional parts (largest first), then, if the
    essentials alone are too long, whole parts from the end. With read_budget, parts a command reprints
    go first, largest first, until the text is within it."""
    text = render(blocks, level, limit)
    if read_budget is not None and len(text) > read_budget:
        reprinted = sorted((p for b in blocks for p in b.parts if p.reprinted), key=lambda p: -len(p.text))
        for part in reprinted:
            part.cut = part.brief = True
            text = render(blocks, level, limit)
            if len(text) <= read_budget:
                break
    if len(text) <= budget:
        return text
    # The biggest folded lists shrink first, each from its end, so what stays is their beginning.
    parts = [(bi, pi, p) for bi, b in enumerate(blocks) for pi, p in enumerate(b.parts) if p.optional]
    group_size: dict[tuple[int, str], int] = {}
    for bi, _, p in parts:
        group_size[(bi, p.group)] = group_size.get((bi, p.group), 0) + len(p.text)
    optional = [p for bi, pi, p in sorted(parts, key=lambda t: (-group_size[(t[0], t[2].group)], -t[1]))]
    size = len(text)
    for part in optional:
        part.cut = True
        size -= len(part.text)
        if size <= budget:  # an estimate (the notes add a little): check by rendering
            text = render(blocks, level, limit)
            if len(text) <= budget:
                return text
            size = len(text)
    return _drop_tail(blocks, budget, limit, level)


def _drop_tail(blocks: list[Block], budget: int, limit: int, level: int) -> str:
    note = Part(cut_note("the rest of this review; run `perf-review review` locally for all of it", limit))
    kept: list[Block] = []
    for b in blocks:
        candidate = Block(b.title, [])
        for p in b.parts:
            candidate.parts.append(p)
            if len(render([*kept, candidate, Block("", [note])], level, limit)) > budget:
                candidate.parts.pop()
                if candidate.parts or candidate.title == "":
                    kept.append(candidate)
                kept.append(Block("", [note]))
                return render(kept, level, limit)
        kept.append(candidate)
    return render(kept, level, limit)


def chunk_rows(rows: Sequence[Sequence[object]], inline: int = ROWS_INLINE,
               per_fold: int = ROWS_PER_FOLD) -> tuple[list[Sequence[object]], list[list[Sequence[object]]]]:
    """The rows to show and the folds for the rest."""
    shown = list(rows[:inline])
    rest = list(rows[inline:])
    return shown, [rest[i : i + per_fold] for i in range(0, len(rest), per_fold)]
