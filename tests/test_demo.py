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
