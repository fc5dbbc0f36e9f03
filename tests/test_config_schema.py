"""docs/perf-review.schema.json and the parser agree: the same keys, and the same verdict on files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from bot.config_kinds import Number, glob_list
from bot.config_schema import schema, settings_table
from bot.repo_config import SETTINGS, Setting, parse_config

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "docs" / "perf-review.schema.json"


def schema_keys(node: dict[str, Any], prefix: str = "") -> set[str]:
    """Dotted keys of every setting in a schema: sections (objects with properties) are walked."""
    keys: set[str] = set()
    for name, sub in node.get("properties", {}).items():
        if "properties" in sub and sub.get("additionalProperties") is False and "maxProperties" not in sub:
            keys |= schema_keys(sub, f"{prefix}{name}.")
        else:
            keys.add(f"{prefix}{name}")
    return keys


def test_the_schema_file_has_exactly_the_keys_the_parser_accepts() -> None:
    shipped = json.loads(SCHEMA_FILE.read_text())
    accepted = {s.key for s in SETTINGS}
    assert schema_keys(shipped) == accepted
    jsonschema.Draft7Validator.check_schema(shipped)
    # ...and the parser accepts each of them: none is reported unknown.
    text = yaml.safe_dump({"rules": {k.split(".")[1]: None for k in accepted if k.startswith("rules.")},
                           **{k: None for k in accepted if "." not in k}})
    assert not [p for p in parse_config(text).problems if "unknown setting" in p.message]


VALID = [
    "",
    "fail_on: error\n",
    "include: '**/*.go'\nexclude: [gen/**, '**/*_gen.go']\nhot_paths: []\n",
    "rules:\n  disable: [sprintf-simple]\n  enable: byte-loop-search\n  severity: {mutex-copy: error}\n",
    "rules:\n  disable: [ignore-without-reason]\n",
    "max_inline_comments: 0\ndrafts: true\n",
    "rules:\n",
    "profiles: false\nprofile_hot_threshold: 100\n",
    "profiles: perf/cpu.pprof\nprofile_hot_threshold: 0.1\n",
]
INVALID = [
    "fail_on: sometimes\n",
    "failon: error\n",
    "rules:\n  disabled: [x]\n",
    "rules:\n  disable: [no-such-rule]\n",
    "rules:\n  severity: {mutex-copy: fatal}\n",
    "rules:\n  severity: {no-such-rule: error}\n",
    "rules: [a]\n",
    "max_inline_comments: 101\n",
    "max_inline_comments: true\n",
    "drafts: maybe\n",
    "exclude: {a: b}\n",
    "exclude: ['']\n",
    "exclude: [1]\n",
    "exclude: [" + ", ".join(["a"] * 257) + "]\n",
    "include: " + "x" * 257 + "\n",
    "- a\n",
    "profiles: true\n",
    "profile_hot_threshold: 0\n",
    "profile_hot_threshold: 101\n",
]


@pytest.mark.parametrize("text", VALID + INVALID)
def test_schema_and_parser_give_the_same_verdict(text: str) -> None:
    data = yaml.safe_load(text)
    schema_ok = not list(jsonschema.Draft7Validator(json.loads(SCHEMA_FILE.read_text())).iter_errors(data))
    parser_ok = not parse_config(text).problems
    assert schema_ok == parser_ok == (text in VALID)


def test_adding_a_setting_is_one_entry() -> None:
    """A new list of globs and a new threshold, in a new section: one Setting each, and the parser, the
    schema and the docs table know them (profiles: and profile_hot_threshold: were added this way)."""
    extended = (*SETTINGS,
                Setting("traces.paths", glob_list(), (), "Execution traces to read.", "none"),
                Setting("traces.threshold", Number(0, 100, exclusive_minimum=True), 5.0, "Percent that is hot."))
    config = parse_config("traces:\n  paths: ['trace/*.out']\n  threshold: 2.5\n", extended)
    assert not config.problems
    assert config.value("traces.paths") == ("trace/*.out",) and config.value("traces.threshold") == 2.5
    bad = parse_config("traces:\n  paths: ['/abs']\n  threshold: 0\n", extended)
    assert [p.where for p in bad.problems] == ["line 2 (traces.paths)", "line 3 (traces.threshold)"]
    assert bad.value("traces.threshold") == 5.0
    assert {"traces.paths", "traces.threshold"} <= schema_keys(schema(extended))
    assert "`traces.threshold` | a number above 0 to 100 | 5.0 |" in settings_table(extended)
    assert "unknown setting" in parse_config("traces: {}\n").problems[0].message  # not in the real table


def test_profile_settings() -> None:
    config = parse_config("profiles: false\nprofile_hot_threshold: 0.5\n")
    assert not config.problems and not config.read_profiles and config.profiles == ()
    assert config.options.profile_hot_threshold == 0.005
    assert parse_config("").read_profiles and parse_config("profiles: [a/*.pprof]\n").profiles == ("a/*.pprof",)
