"""A repository's `.github/perf-review.yml`, read from its default branch (so a PR cannot switch its
own checks off). Each invalid setting falls back to its default and is reported with where it is:
the review still runs, and the check run lists the problems.

    include: ["**/*.go"]          # only these paths (globs)
    exclude: ["gen/**"]           # never these
    rules:
      disable: [string-concat-loop]
      enable: [byte-loop-search]  # only these rules (default: all)
      severity: {byte-loop-search: error}
    fail_on: warning              # none | info | warning | error (check-run conclusion)
    max_inline_comments: 20
    drafts: false                 # review draft pull requests too
    hot_paths: ["internal/server/**"]
    profiles: ["perf/*.pprof"]    # CPU profiles besides every default.pgo (false: use none)
    profile_hot_threshold: 1      # percent of CPU samples (cumulative) that makes a function hot
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import yaml

from analyzers.engine import Options
from analyzers.findings import MISSING_REASON_RULE
from analyzers.model import Severity
from analyzers.rules import all_rules

CONFIG_PATH = ".github/perf-review.yml"
SEVERITIES = ("info", "warning", "error")
FAIL_ON = ("none", *SEVERITIES)
TOP_KEYS = ("include", "exclude", "rules", "fail_on", "max_inline_comments", "drafts", "hot_paths", "profiles",
            "profile_hot_threshold")
RULE_KEYS = ("disable", "enable", "severity")
DEFAULT_MAX_INLINE = 20
MAX_INLINE_LIMIT = 100


@dataclass(frozen=True)
class ConfigProblem:
    where: str  # "line 3 (rules.disable)" or "the file"
    message: str

    def __str__(self) -> str:
        return f"{CONFIG_PATH}, {self.where}: {self.message}"


@dataclass(frozen=True)
class PublishSettings:
    fail_on: Severity | None = None  # None: never fail the check run
    max_inline_comments: int = DEFAULT_MAX_INLINE
    drafts: bool = False


@dataclass(frozen=True)
class RepoConfig:
    options: Options = field(default_factory=Options)
    publish: PublishSettings = field(default_factory=PublishSettings)
    problems: tuple[ConfigProblem, ...] = ()
    present: bool = False  # the repository has a config file
    profiles: tuple[str, ...] = ()  # globs of CPU profiles on the default branch, besides every default.pgo
    read_profiles: bool = True  # false: `profiles: false`, no profile at all


class _Reader:
    """Validates one parsed document, remembering each key's line for the messages."""

    def __init__(self, lines: Mapping[str, int]) -> None:
        self.lines = lines
        self.problems: list[ConfigProblem] = []

    def problem(self, key: str, message: str) -> None:
        line = self.lines.get(key)
        self.problems.append(ConfigProblem(f"line {line} ({key})" if line else f"key {key}", message))

    def globs(self, data: Mapping[str, Any], key: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.problem(key, "must be a list of glob strings; ignored")
            return ()
        return tuple(value)

    def rule_ids(self, data: Mapping[str, Any], key: str, known: frozenset[str]) -> frozenset[str] | None:
        value = data.get(key.split(".")[-1])
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(key, "must be a list of rule ids; ignored")
            return None
        unknown = sorted(set(value) - known)
        if unknown:
            self.problem(key, f"unknown rule id(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return frozenset(v for v in value if v in known)

    def severities(self, data: Mapping[str, Any], known: frozenset[str]) -> dict[str, Severity]:
        value = data.get("severity")
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem("rules.severity", "must map rule ids to info, warning or error; ignored")
            return {}
        out: dict[str, Severity] = {}
        for rule, sev in value.items():
            if rule not in known:
                self.problem("rules.severity", f"unknown rule id {rule}")
            elif sev not in SEVERITIES:
                self.problem("rules.severity", f"{rule}: severity must be info, warning or error, not {sev!r}")
            else:
                out[str(rule)] = cast(Severity, sev)
        return out

    def choice(self, data: Mapping[str, Any], key: str, check: Callable[[Any], bool], default: Any,
               expected: str) -> Any:
        if key not in data:
            return default
        if not check(data[key]):
            self.problem(key, f"must be {expected}, not {data[key]!r}; using the default {default!r}")
            return default
        return data[key]


def parse_config(text: bytes | str | None) -> RepoConfig:
    """The settings in a config file's text (None: no file, all defaults)."""
    if text is None:
        return RepoConfig()
    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    try:
        node = yaml.compose(raw, Loader=yaml.SafeLoader)
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "the file"
        reason = getattr(exc, "problem", None) or "not valid YAML"
        return RepoConfig(problems=(ConfigProblem(where, f"{reason}; using the defaults"),), present=True)
    if data is None:
        return RepoConfig(present=True)
    if not isinstance(data, dict):
        return RepoConfig(problems=(ConfigProblem("line 1", "must be a mapping of settings; using the defaults"),),
                          present=True)
    return _settings(data, _Reader(_key_lines(node)))


def _settings(data: dict[str, Any], r: _Reader) -> RepoConfig:
    for key in data:
        if key not in TOP_KEYS:
            r.problem(str(key), f"unknown setting; known: {', '.join(TOP_KEYS)}")
    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        r.problem("rules", "must be a mapping with disable, enable and severity; ignored")
        rules = {}
    for key in rules:
        if key not in RULE_KEYS:
            r.problem(f"rules.{key}", f"unknown setting; known: {', '.join(RULE_KEYS)}")
    known = frozenset(rule.id for rule in all_rules()) | {MISSING_REASON_RULE}
    options = Options(
        disabled_rules=r.rule_ids(rules, "rules.disable", known) or frozenset(),
        enabled_rules=r.rule_ids(rules, "rules.enable", known),
        severity_overrides=r.severities(rules, known),
        hot_globs=r.globs(data, "hot_paths"),
        include=r.globs(data, "include"),
        exclude=r.globs(data, "exclude"),
    )
    fail_on = r.choice(data, "fail_on", lambda v: v in FAIL_ON, "none", "one of " + ", ".join(FAIL_ON))
    max_inline = r.choice(data, "max_inline_comments",
                          lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_INLINE_LIMIT,
                          DEFAULT_MAX_INLINE, f"a whole number from 0 to {MAX_INLINE_LIMIT}")
    drafts = r.choice(data, "drafts", lambda v: isinstance(v, bool), False, "true or false")
    publish = PublishSettings(None if fail_on == "none" else fail_on, max_inline, drafts)
    read_profiles = data.get("profiles") is not False
    profiles = r.globs(data, "profiles") if read_profiles else ()
    percent = r.choice(data, "profile_hot_threshold",
                       lambda v: isinstance(v, int | float) and not isinstance(v, bool) and 0 < v <= 100,
                       1, "a percentage above 0 and at most 100")
    options = dataclasses.replace(options, profile_hot_threshold=percent / 100)
    return RepoConfig(options, publish, tuple(r.problems), present=True, profiles=profiles,
                      read_profiles=read_profiles)


def _key_lines(node: yaml.Node | None, prefix: str = "") -> dict[str, int]:
    """'rules.disable' -> 1-based line of that key, for every mapping key in the document."""
    out: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = f"{prefix}{key.value}"
            out[name] = key.start_mark.line + 1
            out.update(_key_lines(value, name + "."))
    return out
