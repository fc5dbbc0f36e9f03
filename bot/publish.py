"""What a review leaves on the pull request: one living comment (found again by a hidden marker and
edited on every later review, carrying compact state so the next review can say what was fixed), a
PR review with inline comments for new findings inside the diff (never repeated across pushes,
capped), and the `perf-review` check run with its conclusion and annotations (50 per request).

Order matters for crash safety: the comment (with the state naming every finding about to be
commented inline) is written before the inline review, so a job that runs twice never repeats an
inline comment; a finding is never dropped, because the comment lists whatever is not inline.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from analyzers.model import SEVERITY_ORDER, Finding, Result, Severity
from bot.github import (
    Annotation,
    CheckAction,
    CheckOutput,
    Comment,
    GitHubClient,
    InlineComment,
    PullFile,
    ReviewComment,
)
from bot.repo_config import CONFIG_PATH, ConfigProblem, PublishSettings

log = logging.getLogger(__name__)

CHECK_NAME = "perf-review"
COMMENT_MARKER = "<!-- perf-review:comment -->"
_STATE_RE = re.compile(r"<!-- perf-review:state ([A-Za-z0-9_=-]+) -->")
_FP_RE = re.compile(r"<!-- perf-review:fp=([0-9a-zA-Z:_.-]+) -->")
MAX_COMMENT = 65_536
MAX_CHECK_TEXT = 65_535
ANNOTATIONS_PER_REQUEST = 50
MAX_ANNOTATIONS = 250
STATE_VERSION = 1
_MIN_STATE_ROOM = 600
_LEVELS = {"info": "notice", "warning": "warning", "error": "failure"}
# The buttons of a completed review's check run; bot/handlers/check_actions.py answers them.
RERUN_ACTION = CheckAction("Re-run review", "Review this pull request's head again", "rerun")
BENCH_ACTION = CheckAction("Benchmarks", "Reply with Go benchmarks for this PR", "bench")
REVIEW_ACTIONS = (RERUN_ACTION, BENCH_ACTION)


class InlineNoteLike(Protocol):
    """analyzers.report.InlineNote, as far as publishing needs it."""

    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def body(self) -> str: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def severity(self) -> str: ...


class ReviewLike(Protocol):
    """analyzers.report.Review, as far as publishing needs it."""

    @property
    def markdown(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def check_summary(self) -> str: ...
    @property
    def check_text(self) -> str: ...
    @property
    def inline(self) -> Sequence[InlineNoteLike]: ...


@dataclass
class PreviousState:
    head: str
    findings: list[Finding]
    inlined: set[str]
    partial: bool = False


@dataclass
class InlinePlan:
    post: list[InlineNoteLike] = field(default_factory=list)
    over_cap: list[InlineNoteLike] = field(default_factory=list)
    outside_diff: list[InlineNoteLike] = field(default_factory=list)
    already: list[InlineNoteLike] = field(default_factory=list)


@dataclass(frozen=True)
class Publication:
    comment_id: int
    review_id: int | None
    inline_posted: int
    conclusion: str


# -- state in the hidden marker ---------------------------------------------------------------------


def encode_state(head: str, findings: Sequence[Finding], inlined: Iterable[str], room: int) -> str:
    """The state marker, at most `room` characters: full, then without messages, then fewer findings."""
    inl = set(inlined)
    rows: list[list[Any]] = [[f.fingerprint, f.rule, f.severity, f.file, f.line, f.function, f.message[:160],
             int(f.fingerprint in inl)] for f in findings]
    for shrink in (lambda r: r, lambda r: [*r[:6], "", r[7]]):
        marker = _marker(head, [shrink(r) for r in rows], False)
        if len(marker) <= room:
            return marker
    slim: list[list[Any]] = [[r[0], r[1], r[2], r[3], r[4], "", "", r[7]] for r in rows]
    slim.sort(key=lambda r: -int(r[7]))  # what was commented inline matters most: it must not repeat
    lo, hi = 0, len(slim)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if len(_marker(head, slim[:mid], True)) <= room else (lo, mid - 1)
    return _marker(head, slim[:lo], True)


def _marker(head: str, rows: list[list[Any]], partial: bool) -> str:
    doc = {"v": STATE_VERSION, "head": head, "f": rows, "partial": partial}
    packed = base64.urlsafe_b64encode(zlib.compress(json.dumps(doc, separators=(",", ":")).encode(), 9))
    return f"<!-- perf-review:state {packed.decode()} -->"


def decode_state(body: str) -> PreviousState | None:
    m = _STATE_RE.search(body)
    if not m:
        return None
    try:
        doc: dict[str, Any] = json.loads(zlib.decompress(base64.urlsafe_b64decode(m.group(1))))
        if doc.get("v") != STATE_VERSION:
            return None
        findings = [Finding(rule=r[1], category="", severity=r[2], file=r[3], line=int(r[4]), column=0,
                            end_line=int(r[4]), function=r[5], hot_path="cold", message=r[6], fingerprint=r[0])
                    for r in doc["f"]]
        inlined = {r[0] for r in doc["f"] if r[7]}
        return PreviousState(str(doc.get("head", "")), findings, inlined, bool(doc.get("partial")))
    except (ValueError, KeyError, IndexError, TypeError, zlib.error):
        log.warning("unreadable state in the review comment; starting afresh")
        return None


def find_sticky(comments: Sequence[Comment]) -> Comment | None:
    """The bot's own review comment (the first, should a race ever have made two)."""
    for c in comments:
        if c.is_bot and COMMENT_MARKER in c.body:
            return c
    return None


def inlined_in(review_comments: Sequence[ReviewComment]) -> set[str]:
    """Fingerprints the bot already commented inline, from the hidden marker in its review comments."""
    return {m.group(1) for c in review_comments if c.is_bot for m in _FP_RE.finditer(c.body)}


# -- inline comments ---------------------------------------------------------------------------------


def commentable_lines(files: Sequence[PullFile]) -> dict[str, set[int]]:
    """Head-side lines inside each file's diff hunks: the only lines a review comment may point at."""
    out: dict[str, set[int]] = {}
    for f in files:
        lines: set[int] = set()
        for m in re.finditer(r"(?m)^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", f.patch or ""):
            start, length = int(m.group(1)), int(m.group(2) or 1)
            lines.update(range(start, start + length))
        out[f.filename] = lines
    return out


def plan_inline(notes: Sequence[InlineNoteLike], lines: Mapping[str, set[int]], already: set[str],
                cap: int) -> InlinePlan:
    plan = InlinePlan()
    for note in notes:
        if note.fingerprint in already:
            plan.already.append(note)
        elif note.line not in lines.get(note.path, ()):
            plan.outside_diff.append(note)
        elif len(plan.post) < cap:
            plan.post.append(note)
        else:
            plan.over_cap.append(note)
    return plan


def inline_body(note: InlineNoteLike) -> str:
    marker = f"\n\n<!-- perf-review:fp={note.fingerprint} -->"
    return note.body[: MAX_COMMENT - len(marker)] + marker


# -- the comment -------------------------------------------------------------------------------------


def compose_comment(markdown: str, plan: InlinePlan, problems: Sequence[ConfigProblem], state: Any) -> str:
    """The whole comment body, within GitHub's limit. `state(room) -> marker` fills what is left."""
    head = COMMENT_MARKER + "\n"
    room = MAX_COMMENT - len(head) - _MIN_STATE_ROOM - 2
    markdown = _cut(markdown, min(room, 65_000))
    extras = _cut(_extras(plan, problems), max(0, room - len(markdown)))
    body = f"{head}{markdown}{extras}\n"
    return f"{body}{state(MAX_COMMENT - len(body))}"


def _extras(plan: InlinePlan, problems: Sequence[ConfigProblem]) -> str:
    parts = []
    rest = [(n, "outside the diff") for n in plan.outside_diff] + [(n, "over the inline limit") for n in plan.over_cap]
    if rest:
        lines = [f"- `{n.path}:{n.line}` **{n.rule}** ({n.severity}, {why}): {_first_line(n.body)}" for n, why in rest]
        parts.append("\n\n<details><summary>Findings not commented inline "
                     f"({len(rest)})</summary>\n\n" + "\n".join(lines) + "\n\n</details>")
    if problems:
        parts.append(f"\n\n> [!WARNING]\n> `.github/perf-review.yml` has {len(problems)} problem(s); "
                     "the review used the defaults for those settings (details in the check run).")
    return "".join(parts)


def _first_line(text: str) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("```")), "")
    return line[:200]


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    note = "\n\n_(cut to fit GitHub's size limit)_"
    return text[: max(0, limit - len(note))].rsplit("\n", 1)[0] + note


# -- the check run -----------------------------------------------------------------------------------


def conclusion(findings: Sequence[Finding], fail_on: Severity | None) -> str:
    if fail_on is None:
        return "neutral"
    floor = SEVERITY_ORDER[fail_on]
    hit = any(f.status != "pre-existing" and SEVERITY_ORDER[f.severity] >= floor for f in findings)
    return "failure" if hit else "neutral"


def annotations_for(findings: Sequence[Finding]) -> list[Annotation]:
    ordered = sorted(findings, key=lambda f: f.status == "pre-existing")[:MAX_ANNOTATIONS]
    return [Annotation(f.file, f.line, max(f.line, f.end_line), _LEVELS.get(f.severity, "notice"),
                       (f.message + (f"\n\n{f.suggestion}" if f.suggestion else ""))[:4000], f.rule)
            for f in ordered]


def config_annotations(problems: Sequence[ConfigProblem]) -> list[Annotation]:
    """Each configuration problem on its line of the config file (read from the default branch)."""
    return [Annotation(CONFIG_PATH, p.line, p.line, "warning", p.message[:4000], "perf-review configuration")
            for p in problems]


def check_summary(summary: str, problems: Sequence[ConfigProblem]) -> str:
    if problems:
        listed = "\n".join(f"- {p.where}: {p.message}" for p in problems)
        summary += (f"\n\n### Configuration problems\n\n`.github/perf-review.yml` could not be used as "
                    f"written; these settings fell back to their defaults:\n\n{listed}")
    return _cut(summary, MAX_CHECK_TEXT)


def complete_check_run(client: GitHubClient, repo: str, run_id: int, title: str, summary: str, text: str,
                       notes: Sequence[Annotation], result: str,
                       actions: Sequence[CheckAction] = REVIEW_ACTIONS) -> None:
    """Completes the run with the first 50 annotations and its buttons, then sends the rest 50 at a time."""
    batches = [notes[i : i + ANNOTATIONS_PER_REQUEST] for i in range(0, len(notes), ANNOTATIONS_PER_REQUEST)]
    first = CheckOutput(title, summary, _cut(text, MAX_CHECK_TEXT), batches[0] if batches else ())
    client.update_check_run(repo, run_id, status="completed", conclusion=result, output=first, actions=actions)
    for batch in batches[1:]:
        client.update_check_run(repo, run_id, output=CheckOutput(title, summary, annotations=batch))


# -- all of it ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    repo: str
    number: int
    head_sha: str
    check_run_id: int


def publish(client: GitHubClient, target: Target, review: ReviewLike, result: Result, files: Sequence[PullFile],
            settings: PublishSettings, problems: Sequence[ConfigProblem], sticky: Comment | None,
            already_inlined: set[str]) -> Publication:
    plan = plan_inline(list(review.inline), commentable_lines(files), already_inlined,
                       settings.max_inline_comments)
    inlined = already_inlined | {n.fingerprint for n in plan.post}
    body = compose_comment(review.markdown, plan, problems,
                           lambda room: encode_state(target.head_sha, result.findings, inlined, room))
    if sticky is None:
        comment_id = client.create_issue_comment(target.repo, target.number, body)
    else:
        client.edit_issue_comment(target.repo, sticky.id, body)
        comment_id = sticky.id
    review_id = None
    if plan.post:
        comments = [InlineComment(n.path, n.line, inline_body(n)) for n in plan.post]
        intro = (f"**perf-review** left {len(comments)} inline comment(s) on new findings in this push; "
                 "the full review is in the conversation.")
        review_id = client.create_review(target.repo, target.number, target.head_sha, intro, comments)
    result_conclusion = conclusion(result.findings, settings.fail_on)
    complete_check_run(client, target.repo, target.check_run_id, review.title,
                       check_summary(review.check_summary, problems), review.check_text,
                       config_annotations(problems) + annotations_for(result.findings), result_conclusion)
    log.info("review published", extra={"repo": target.repo, "pr": target.number, "head_sha": target.head_sha,
                                        "inline": len(plan.post), "conclusion": result_conclusion})
    return Publication(comment_id, review_id, len(plan.post), result_conclusion)
