"""The held-out draw (benchmarks/realworld/heldout_draw.py): which warnings it draws and how it scores
them, on small synthetic analyze outputs (no mirrors)."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks" / "realworld"))
import heldout_draw  # noqa: E402

SEED = "heldout-test"


def finding(tree: Path, file: str, line: int, rule: str, severity: str = "warning") -> dict[str, Any]:
    return {"rule": rule, "severity": severity, "file": str(tree / file), "line": line,
            "function": "f", "message": f"{rule} message", "hot_path": "hot"}


def output(tmp_path: Path, name: str, findings: list[dict[str, Any]]) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"findings": findings, "functions": []}))
    return path


def expected_order(project: str, keys: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    def h(k: tuple[str, int, str]) -> str:
        return hashlib.sha256(f"{SEED}|{project}|{k[0]}|{k[1]}|{k[2]}".encode()).hexdigest()
    return sorted(keys, key=h)


@pytest.fixture
def tree_a(tmp_path: Path) -> tuple[Path, Path, list[tuple[str, int, str]]]:
    tree = tmp_path / "a"
    keys = [(f"pkg/f{i}.go", 10 + i, "sprintf-simple" if i % 2 else "map-prealloc") for i in range(10)]
    findings = [finding(tree, *k) for k in keys]
    findings.append(finding(tree, "pkg/info.go", 3, "slice-prealloc", severity="info"))
    findings.append(finding(tree, "pkg/err.go", 7, "goroutine-leak-sender", severity="error"))
    keys.append(("pkg/err.go", 7, "goroutine-leak-sender"))
    return tree, output(tmp_path, "a", findings), keys


def test_draw_keeps_warnings_and_errors_relative_and_in_hash_order(tree_a: tuple[Path, Path, Any]) -> None:
    tree, js, keys = tree_a
    warnings = heldout_draw.warnings_of(heldout_draw.Input("own/a", tree, js))
    assert len(warnings) == 11 and all(w["severity"] != "info" for w in warnings)
    assert {w["file"] for w in warnings} >= {"pkg/f0.go", "pkg/err.go"}
    picked = heldout_draw.draw(warnings, SEED, 4)
    assert [(w["file"], w["line"], w["rule"]) for w in picked] == expected_order("own/a", keys)[:4]
    # fewer warnings than per_project: all of them, still in hash order
    assert len(heldout_draw.draw(warnings, SEED, 50)) == 11
    # another seed draws in another order
    other = heldout_draw.draw(warnings, "another-seed", 11)
    assert [w["line"] for w in other] != [w["line"] for w in heldout_draw.draw(warnings, SEED, 11)]


def test_a_warning_keeps_its_place_when_others_leave(tree_a: tuple[Path, Path, Any]) -> None:
    tree, js, _ = tree_a
    warnings = heldout_draw.warnings_of(heldout_draw.Input("own/a", tree, js))
    first = heldout_draw.draw(warnings, SEED, 3)
    fewer = [w for w in warnings if w is not first[0]]
    again = heldout_draw.draw(fewer, SEED, 3)
    assert [w["line"] for w in again[:2]] == [w["line"] for w in first[1:]]


def test_score_counts_false_alarms_first_n_and_unjudged(tmp_path: Path, tree_a: tuple[Path, Path, Any]) -> None:
    tree, js, keys = tree_a
    order = expected_order("own/a", keys)
    # judge the first three drawn: false, true (YAML boolean), false; leave the fourth unjudged
    verdicts = [
        {"project": "own/a", "file": order[0][0], "line": order[0][1], "rule": order[0][2],
         "verdict": "false-alarm", "reason": "r"},
        {"project": "own/a", "file": order[1][0], "line": order[1][1], "rule": order[1][2],
         "verdict": True, "reason": "r"},
        {"project": "own/a", "file": order[2][0], "line": order[2][1], "rule": order[2][2],
         "verdict": "false-alarm", "reason": "r"},
    ]
    vpath = tmp_path / "v.yaml"
    vpath.write_text(yaml.safe_dump({"seed": SEED, "verdicts": verdicts}))
    warnings = heldout_draw.warnings_of(heldout_draw.Input("own/a", tree, js))
    drawn = {"own/a": heldout_draw.draw(warnings, SEED, 4)}
    s = heldout_draw.score(drawn, heldout_draw.load_verdicts(vpath), first=2)
    head, whole = s["first"]["own/a"], s["all"]["all"]
    assert (head.false, head.judged, head.unjudged) == (1, 2, 0)
    assert (whole.false, whole.judged, whole.unjudged) == (2, 3, 1)
    assert [(f["file"], f["line"]) for f in s["unjudged"]] == [order[3][:2]]
    assert sum(t.judged for t in s["rules"].values()) == 3


def test_score_command_prints_rates_and_strict_fails_on_unjudged(
        tmp_path: Path, tree_a: tuple[Path, Path, Any], capsys: pytest.CaptureFixture[str]) -> None:
    tree, js, keys = tree_a
    tree_b = tmp_path / "b"
    js_b = output(tmp_path, "b", [finding(tree_b, "x.go", 1, "sprintf-simple")])
    order = expected_order("own/a", keys)
    judged = [{"project": "own/a", "file": f, "line": n, "rule": r, "verdict": "false-alarm", "reason": "r"}
              for f, n, r in order[:2]]
    judged.append({"project": "own/b", "file": "x.go", "line": 1, "rule": "sprintf-simple",
                   "verdict": "true", "reason": "r"})
    vpath = tmp_path / "v.yaml"
    vpath.write_text(yaml.safe_dump(judged))  # a bare list is accepted too
    args = ["score", "--seed", SEED, "--per-project", "2", "--first", "1", "--verdicts", str(vpath),
            "--input", "own/a", str(tree), str(js), "--input", "own/b", str(tree_b), str(js_b)]
    assert heldout_draw.main(args) == 0
    out = capsys.readouterr().out
    assert "own/a: 11 warnings; first 1 per project: 1/1 false = 1.00, 0 unjudged; all drawn: 2/2 false" in out
    assert "all: 12 warnings; first 1 per project: 1/2 false = 0.50" in out
    assert heldout_draw.main([*args[:4], "3", *args[5:], "--strict"]) == 1
    assert "verdict: ?" in capsys.readouterr().out


def test_verdicts_judged_twice_or_unknown_are_refused(tmp_path: Path) -> None:
    v = {"project": "p", "file": "f.go", "line": 1, "rule": "r", "verdict": "false-alarm", "reason": "x"}
    path = tmp_path / "v.yaml"
    path.write_text(yaml.safe_dump([v, v]))
    with pytest.raises(ValueError, match="judged twice"):
        heldout_draw.load_verdicts(path)
    path.write_text(yaml.safe_dump([dict(v, verdict="maybe")]))
    with pytest.raises(ValueError, match="true or false-alarm"):
        heldout_draw.load_verdicts(path)


def test_the_committed_verdicts_load_and_are_complete() -> None:
    path = ROOT / "benchmarks" / "realworld" / "heldout-gogs-nomad.yaml"
    data = yaml.safe_load(path.read_text())
    verdicts = heldout_draw.load_verdicts(path)
    per_project = {p: sum(1 for k in verdicts if k[0] == p) for p in data["trees"]}
    # nomad: 16 drawn, 10 from the census of the rules that stay warnings without a profile
    assert per_project == {"gogs/gogs": 14, "hashicorp/nomad": 26}
    assert all(v["reason"] for v in verdicts.values())
