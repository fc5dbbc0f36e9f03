"""The bundled demo change (`make demo`): the regressions it plants are each found, and nothing else."""

from __future__ import annotations

import sys
from pathlib import Path

from analyzers.engine import analyze_change
from bot.localgit import local_change

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from build_demo import build


def test_demo_change_findings(tmp_path: Path) -> None:
    repo = build(tmp_path)
    change = local_change(repo, "base", "head")
    result = analyze_change(change.changes, change.head, change.base)
    found = {(f.file, f.line, f.rule, f.status) for f in result.findings}
    assert found == {
        ("store.go", 48, "lock-held-across-io", "new"),
        ("store.go", 55, "string-concat-loop", "new"),
        ("handler.go", 25, "sprintf-simple", "new"),
        ("handler.go", 27, "write-string-conversion", "new"),
        ("handler.go", 34, "nested-loop-quadratic", "new"),
        ("handler.go", 46, "byte-loop-count", "new"),
    }
    tiers = {f.name: f.hot_path for f in result.functions}
    assert tiers == {"ServeHTTP": "hot", "Backordered": "hot", "CountLines": "warm", "Put": "hot", "Render": "warm",
                     "TotalQuantity": "warm"}


SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "review-demo.md"
DEMO_BUDGET = 8_000  # issue 13: the demo's review, same information, at most this many characters


def demo_review(tmp_path: Path) -> str:
    import contextlib
    import io
    import subprocess

    from bot.cli import main

    repo = build(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["review", "--repo", str(repo), "--base", "base", "--head", "head"]) == 0
    text = out.getvalue()
    assert len(text) <= DEMO_BUDGET, f"the demo review is {len(text):,} characters (budget {DEMO_BUDGET:,})"
    for tag in ("base", "head"):
        sha = subprocess.run(["git", "-C", str(repo), "rev-parse", tag], capture_output=True, text=True,
                             check=True).stdout.strip()
        text = text.replace(sha[:12], tag.upper())
    return text


def test_demo_review_snapshot_and_length(tmp_path: Path) -> None:
    import os

    from tests.test_report import assert_well_formed, headings

    text = demo_review(tmp_path)
    assert_well_formed(text)
    assert len(headings(text)) == 11
    assert len(text) <= DEMO_BUDGET, f"the demo review is {len(text):,} characters (budget {DEMO_BUDGET:,})"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(text)
    assert text == SNAPSHOT.read_text(), "review-demo.md changed: review the diff, then UPDATE_SNAPSHOTS=1"
