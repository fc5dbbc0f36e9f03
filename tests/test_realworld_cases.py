"""The real-world case list is well formed: the evaluation script (benchmarks/realworld/evaluate.py)
runs against git mirrors outside the suite, but what it reads is checked here."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

from analyzers.rules import rules_by_id

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks" / "realworld"))
import evaluate  # noqa: E402


def test_cases_name_known_rules_and_full_commits() -> None:
    cases, sample = evaluate.load_cases()
    rules = set(rules_by_id())
    assert len(cases) >= 60 and len({c.project for c in cases}) >= 5
    for case in cases:
        assert len(case.fix) == 40 and int(case.fix, 16) >= 0, case.fix
        assert case.kind in ("perf", "lint") and (case.sites or case.out_of_scope), case.fix
        for site in case.sites:
            assert site.rule in rules, f"{case.fix[:10]} {site.file}: unknown rule {site.rule}"
            assert site.needs in ("", "stdlib-types", "cross-package", "dependency-types")
            assert site.scope in ("catalogue", "new") and site.match and site.line > 0
    in_scope = [s for c in cases for s in c.sites if s.scope == "catalogue"]
    assert len(in_scope) >= 60
    assert sample["per_project"] * len(sample["trees"]) >= 60 and len(sample["trees"]) >= 3


def test_every_verdict_is_judged_once_with_a_reason() -> None:
    data = yaml.safe_load((ROOT / "benchmarks" / "realworld" / "cases.yaml").read_text())
    verdicts = data["sample"]["verdicts"]
    keys = Counter(evaluate.verdict_key(v["project"], v["file"], v["line"], v["rule"]) for v in verdicts)
    assert not [k for k, n in keys.items() if n > 1], "a warning judged twice"
    for v in verdicts:
        assert str(v["verdict"]).lower() in ("true", "false-alarm") and v["reason"].strip(), v


def test_a_site_is_found_by_its_rule_near_its_line() -> None:
    site = evaluate.Site(file="a.go", line=10, rule="slice-prealloc", match="x")
    near = {"rule": "slice-prealloc", "file": "a.go", "line": 12, "severity": "info"}
    assert evaluate.found(site, [near]) == near
    assert evaluate.found(site, [dict(near, line=13)]) is None
    assert evaluate.found(site, [dict(near, rule="map-prealloc")]) is None
    warned = dict(near, line=9, severity="warning")
    assert evaluate.found(site, [near, warned]) == warned, "a warning at the site counts before an info"


def test_judged_verdicts_load_into_the_case_list(tmp_path: Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text("sample:\n  seed: 1\n  verdicts:\n"
                     '    - {project: a/b, file: x.go, line: 3, rule: sprintf-simple, verdict: true, reason: "old"}\n'
                     "\ncases:\n- project: a/b\n")
    judged = tmp_path / "judge.yaml"
    judged.write_text("# comment\n"
                      "- {project: a/b, file: x.go, line: 3, rule: sprintf-simple, verdict: false-alarm,"
                      " reason: 'a \"q\"'}\n"
                      "- {project: a/b, file: y.go, line: 9, rule: slice-prealloc, verdict: '?', reason: ''}\n")
    assert evaluate.load(judged, cases) == 1
    data = yaml.safe_load(cases.read_text())
    assert data["sample"]["verdicts"] == [{"project": "a/b", "file": "x.go", "line": 3, "rule": "sprintf-simple",
                                           "verdict": "false-alarm", "reason": 'a "q"'}]
    assert data["cases"] == [{"project": "a/b"}]
