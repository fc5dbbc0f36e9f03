"""The composite Action (action.yml) and the workflow in docs/measure.md, checked statically: their shape,
that every input they use is declared, that they interpolate nothing into shell scripts, that the scripts
parse, and that the perf-review command line they run is one the CLI accepts and writes the artifact the
App reads."""

from __future__ import annotations

import re
import shlex
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import build_parser
from bot.measure.result import ARTIFACT_FILE, ARTIFACT_NAME

ROOT = Path(__file__).resolve().parent.parent
ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def test_it_is_a_composite_action_with_the_inputs_of_issue_12() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert {"base", "head", "time-budget", "go-version-file"} <= set(ACTION["inputs"])
    for name, spec in ACTION["inputs"].items():
        assert spec.get("description"), name
        assert isinstance(spec.get("default", ""), str), name
    assert ACTION["inputs"]["base"]["default"] == "${{ github.event.pull_request.base.sha }}"
    assert ACTION["inputs"]["head"]["default"] == "${{ github.event.pull_request.head.sha }}"


def _expressions(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [e for v in node.values() for e in _expressions(v)] + [e for k in node for e in _expressions(k)]
    if isinstance(node, list):
        return [e for v in node for e in _expressions(v)]
    return EXPR.findall(node) if isinstance(node, str) else []


def test_every_input_and_step_output_used_is_declared() -> None:
    used_inputs = {m for e in _expressions(ACTION) for m in re.findall(r"inputs\.([\w-]+)", e)}
    assert used_inputs <= set(ACTION["inputs"])
    ids = {s["id"] for s in STEPS if "id" in s}
    used_steps = {m for e in _expressions(ACTION) for m in re.findall(r"steps\.([\w-]+)\.outputs", e)}
    assert used_steps <= ids
    for step in STEPS:
        cond = step.get("if", "")
        assert set(re.findall(r"inputs\.([\w-]+)", cond)) <= set(ACTION["inputs"])


def test_steps_are_pinned_and_scripts_take_values_only_through_the_environment() -> None:
    for step in STEPS:
        if "uses" in step:
            assert re.fullmatch(r"actions/(setup-go|setup-python|upload-artifact)@v\d+", step["uses"]), step
        else:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], f"script injection risk in {step.get('name')}"


@pytest.mark.parametrize("step", [s for s in STEPS if "run" in s], ids=lambda s: s["name"])
def test_scripts_parse(step: dict[str, Any]) -> None:
    proc = subprocess.run(["bash", "-n"], input=step["run"], text=True, capture_output=True)
    assert proc.returncode == 0, proc.stderr


def _measure_argv() -> list[str]:
    script = next(s for s in STEPS if s.get("id") == "measure")["run"]
    line = next(ln for ln in script.splitlines() if ln.strip().startswith("args=("))
    inner = line.strip()[len("args=("):-1]
    values = {"$BASE": "base", "${HEAD:-HEAD}": "head", "$BUDGET": "600", "$out": "/tmp/out"}
    for var, value in values.items():
        inner = inner.replace(var, value)
    assert "$" not in inner, inner
    return shlex.split(inner)


def test_the_command_it_runs_is_one_the_cli_accepts() -> None:
    args = build_parser().parse_args(["measure", *_measure_argv()[1:], "--fail-on-regression"])
    assert args.command == "measure" and args.time_budget == 600 and args.base == "base"
    assert args.json_out.name == ARTIFACT_FILE


def test_the_upload_is_the_artifact_the_app_reads() -> None:
    upload = next(s for s in STEPS if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["name"] == ARTIFACT_NAME
    assert upload["with"]["path"] == "${{ steps.measure.outputs.json }}"
    script = next(s for s in STEPS if s.get("id") == "measure")["run"]
    assert f'echo "json=$out/{ARTIFACT_FILE}"' in script
    assert '>> "$GITHUB_STEP_SUMMARY"' in script


def test_it_installs_the_extra_that_measure_needs() -> None:
    install = next(s for s in STEPS if s.get("name") == "Install perf-review")["run"]
    assert '"$ACTION_PATH[measure]"' in install
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(dep.startswith("scipy") for dep in project["optional-dependencies"]["measure"])
    assert not any(dep.startswith("scipy") for dep in project["dependencies"])  # the App's image stays lean
    assert project["scripts"]["perf-review"] == "bot.cli:console"


def test_the_documented_workflow_is_complete() -> None:
    text = (ROOT / "docs" / "measure.md").read_text()
    block = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert block is not None
    workflow = yaml.safe_load(block.group(1))
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as true
    steps = workflow["jobs"]["measure"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    assert any(s.get("uses", "").startswith("actions/setup-go@") for s in steps)
    ours = [s for s in steps if s.get("uses", "").split("@")[0].endswith("/perf-review")]
    assert ours and set(ours[0].get("with", {})) <= set(ACTION["inputs"])
    assert "perf-review measure --repo . --base" in text


def test_the_documented_json_is_valid_version_1() -> None:
    import json

    from bot.measure.result import from_json

    text = (ROOT / "docs" / "measure.md").read_text()
    block = re.search(r"```json\n(.*?)```", text, re.S)
    assert block is not None
    m = from_json(json.loads(block.group(1)))
    assert m.benchmarks[0].function == "Render" and m.benchmarks[0].verdict == "slower"
