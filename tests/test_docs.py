"""Rule docs are generated from the rules' docstrings; stale generated files fail the suite."""

from __future__ import annotations

from bot.ruledocs import expected


def test_generated_rule_docs_are_fresh() -> None:
    stale = [str(p) for p, text in expected().items() if not p.exists() or p.read_text() != text]
    assert not stale, f"stale generated docs (run `make docs`): {stale}"
