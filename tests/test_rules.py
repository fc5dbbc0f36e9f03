"""Every rule, run alone over its annotated testdata: each `// want` line flagged exactly once,
every other line quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.rules import all_rules, rules_by_id
from tests.ruletest import check_rule, rule_dirs, wants

DIRS = rule_dirs()


@pytest.mark.parametrize("directory", DIRS, ids=[d.name for d in DIRS])
def test_rule_testdata(directory: Path) -> None:
    rule_id = directory.name
    assert rule_id in rules_by_id(), f"testdata for unknown rule {rule_id}"
    problems, _ = check_rule(rule_id, directory)
    assert not problems, "\n" + "\n".join(map(str, problems))


@pytest.mark.parametrize("rule", all_rules(), ids=[r.id for r in all_rules()])
def test_every_rule_has_testdata_with_hits_and_near_misses(rule) -> None:  # type: ignore[no-untyped-def]
    directory = next((d for d in DIRS if d.name == rule.id), None)
    assert directory is not None, f"{rule.id} has no testdata"
    files = [p for p in directory.rglob("*.go") if not p.name.endswith("_test.go")]
    marked = sum(len(wants(p.read_bytes())) for p in files)
    funcs = sum(p.read_text().count("\nfunc ") for p in files)
    assert marked >= 2, f"{rule.id}: testdata should flag at least two lines"
    assert funcs - marked >= 2, f"{rule.id}: testdata should hold near-misses as well as hits"


@pytest.mark.parametrize("rule", all_rules(), ids=[r.id for r in all_rules()])
def test_rule_doc_has_fixed_headings(rule) -> None:  # type: ignore[no-untyped-def]
    for heading in ("**What it does**", "**Why is this bad?**", "**Example**", "**Use instead**"):
        assert heading in rule.doc, f"{rule.id}: doc lacks {heading}"
    assert "ns" in rule.doc.split("**Why is this bad?**", 1)[1].split("**Example**", 1)[0], (
        f"{rule.id}: 'Why is this bad?' should give a cost estimate in ns"
    )
    assert rule.id == rule.doc.strip().splitlines()[0].strip(), f"{rule.id}: doc should start with the id"
