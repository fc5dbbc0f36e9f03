"""A repository's `.github/perf-review.yml`, read from its default branch (so a PR cannot switch its
own checks off), as untrusted input (bot/config_yaml.py bounds what reading it can cost).

Every setting is one entry of SETTINGS: its key, the kind of value it takes (bot/config_kinds.py),
its default and its documentation. The parser, docs/perf-review.schema.json and the settings table
in docs/configuration.md are all made from that table (`make docs`), so adding a setting is adding
one entry here, then reading `config.value("the.key")` where it is used.

What a problem costs (the review always runs; the check run annotates each problem on its line):
- the whole file is unusable (over 64 KB, not YAML, YAML aliases, nested too deep, not a mapping):
  every setting takes its default;
- an unknown key, or a value of the wrong type or out of range: that setting takes its default,
  the others apply;
- invalid items in a list (an unknown rule id, a bad glob): those items are dropped, the rest
  apply; a list with nothing valid left, or longer than 256 items, takes its default.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

from analyzers.engine import Options
from analyzers.findings import MISSING_REASON_RULE
from analyzers.model import EVIDENCE_POLICIES, Severity
from analyzers.pprof.tiers import DEFAULT_THRESHOLD
from analyzers.rules import all_rules
from bot.config_kinds import (
    INVALID,
    Boolean,
    Choice,
    Integer,
    Kind,
    Number,
    SeverityMap,
    glob_list,
    rule_list,
    shown,
)
from bot.config_yaml import YamlRefused, load

CONFIG_PATH = ".github/perf-review.yml"
SEVERITIES = ("info", "warning", "error")
FAIL_ON = ("none", *SEVERITIES)
DEFAULT_MAX_INLINE = 20
MAX_INLINE_LIMIT = 100
MAX_PROBLEMS = 50  # reported one by one; the rest are counted


@cache
def rule_ids() -> tuple[str, ...]:
    """Every id a config may name: the rules, and the rule that reports ignore comments without a reason."""
    return (*sorted(rule.id for rule in all_rules()), MISSING_REASON_RULE)


@dataclass(frozen=True)
class Setting:
    key: str  # dotted: "rules.disable" lives under the `rules:` mapping
    kind: Kind
    default: Any
    doc: str
    default_doc: str = ""  # how the docs and messages name the default when repr() would not do

    @property
    def default_text(self) -> str:
        if self.default_doc:
            return self.default_doc
        if isinstance(self.default, bool):
            return str(self.default).lower()
        return self.default if isinstance(self.default, str) else shown(self.default)


SETTINGS: tuple[Setting, ...] = (
    Setting("include", glob_list(), (), "Review only the Go files matching one of these globs.",
            "every Go file"),
    Setting("exclude", glob_list(), (), "Never review the Go files matching one of these globs.", "none"),
    Setting("rules.disable", rule_list(rule_ids), (), "Rules that never run.", "none"),
    Setting("rules.enable", rule_list(rule_ids), None, "When set, only these rules run.", "every rule"),
    Setting("rules.severity", SeverityMap(rule_ids, SEVERITIES), {},
            "Severity per rule id (info, warning or error), replacing the rule's own.", "each rule's own"),
    Setting("fail_on", Choice(FAIL_ON), "none",
            "The check run concludes `failure` when a new finding reaches this severity; `none`: never."),
    Setting("max_inline_comments", Integer(0, MAX_INLINE_LIMIT), DEFAULT_MAX_INLINE,
            "At most this many inline comments per push; the other findings are listed in the review comment."),
    Setting("drafts", Boolean(), False, "Review draft pull requests too."),
    Setting("hot_paths", glob_list(), (), "Functions in files matching these globs are hot.", "none"),
    Setting("profiles", glob_list(allow_false=True), (),
            "CPU profiles (pprof) on the default branch to read besides every `default.pgo`; `false`: read none.",
            "every default.pgo"),
    Setting("profile_hot_threshold", Number(0, 100, exclusive_minimum=True), DEFAULT_THRESHOLD * 100,
            "Percent of CPU samples (cumulative) that makes a function hot.", f"{DEFAULT_THRESHOLD * 100:g}"),
    Setting("evidence", Choice(EVIDENCE_POLICIES), "measured",
            "What a fixed-cost or contention finding needs to be a warning: `measured`, a CPU profile or a hot "
            "mark saying its function is hot (else it is info); `static`, the hot-path tiers guessed from the code."),
)


SECTIONS = {"rules": "Which rules run, and at what severity."}


@dataclass(frozen=True)
class ConfigProblem:
    where: str  # "line 3 (rules.disable)", "key x", "the file"
    message: str
    line: int = 1  # where the check-run annotation goes

    def __str__(self) -> str:
        return f"{CONFIG_PATH}, {self.where}: {self.message}"


@dataclass(frozen=True)
class PublishSettings:
    fail_on: Severity | None = None  # None: never fail the check run
    max_inline_comments: int = DEFAULT_MAX_INLINE
    drafts: bool = False


@dataclass(frozen=True)
class RepoConfig:
    values: Mapping[str, Any] = field(default_factory=lambda: {s.key: s.default for s in SETTINGS})
    problems: tuple[ConfigProblem, ...] = ()
    present: bool = False  # the repository has a config file

    def value(self, key: str) -> Any:
        return self.values[key]

    @property
    def options(self) -> Options:
        v = self.values
        enabled = v["rules.enable"]
        return Options(disabled_rules=frozenset(v["rules.disable"]),
                       enabled_rules=None if enabled is None else frozenset(enabled),
                       severity_overrides=dict(v["rules.severity"]), hot_globs=tuple(v["hot_paths"]),
                       include=tuple(v["include"]), exclude=tuple(v["exclude"]),
                       profile_hot_threshold=v["profile_hot_threshold"] / 100, evidence=v["evidence"])

    @property
    def read_profiles(self) -> bool:
        """False for `profiles: false`: no profile at all, not even default.pgo."""
        return self.values["profiles"] is not False

    @property
    def profiles(self) -> tuple[str, ...]:
        """Globs of CPU profiles on the default branch, besides every default.pgo."""
        return tuple(self.values["profiles"] or ())

    @property
    def publish(self) -> PublishSettings:
        fail_on = self.values["fail_on"]
        return PublishSettings(None if fail_on == "none" else cast(Severity, fail_on),
                               self.values["max_inline_comments"], self.values["drafts"])


def parse_config(text: bytes | str | None, settings: Sequence[Setting] = SETTINGS) -> RepoConfig:
    """The settings in a config file's text (None: no file, all defaults). Never raises."""
    defaults = {s.key: s.default for s in settings}
    if text is None:
        return RepoConfig(defaults)
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "replace")
    last_line = max(1, raw.count(b"\n") + (not raw.endswith(b"\n")))
    try:
        doc = load(text)
    except YamlRefused as exc:
        line = min(exc.line or 1, last_line)
        where = f"line {line}" if exc.line else "the file"
        problem = ConfigProblem(where, f"The file {exc.message}; every setting uses its default", line)
        return RepoConfig(defaults, (problem,), present=True)
    if doc.data is None:
        return RepoConfig(defaults, present=True)
    if not isinstance(doc.data, dict):
        problem = ConfigProblem("line 1", "The file must be a mapping of settings (key: value); every setting "
                                "uses its default")
        return RepoConfig(defaults, (problem,), present=True)
    reader = _Reader(doc.lines)
    for key in doc.duplicates:
        reader.problem(key, f"`{_short(key)}` is set more than once; the last one is used")
    values = {s.key: reader.setting(s, doc.data) for s in settings}
    reader.unknown_keys(doc.data, settings)
    return RepoConfig(values, reader.finish(), present=True)


class _Reader:
    def __init__(self, lines: Mapping[str, int]) -> None:
        self.lines = lines
        self.problems: list[ConfigProblem] = []

    def problem(self, key: str, message: str) -> None:
        """A problem at `key` ("exclude[3]" points at that item's line; the message names the item)."""
        line = self.lines.get(key) or self.lines.get(key.split("[")[0])
        name = key.split("[")[0]
        where = f"line {line} ({name})" if line else f"key {name}"
        self.problems.append(ConfigProblem(where, message, line or 1))

    def setting(self, s: Setting, data: Mapping[str, Any]) -> Any:
        present, value = _lookup(data, s.key)
        if not present:
            return s.default
        checked, problems = s.kind.check(value)
        for suffix, message in problems:
            self.problem(f"{s.key}{suffix}", message)
        if checked is INVALID:
            last = self.problems.pop()
            self.problems.append(ConfigProblem(last.where, f"{last.message}; using the default ({s.default_text})",
                                               last.line))
            return s.default
        return checked

    def unknown_keys(self, data: Mapping[str, Any], settings: Sequence[Setting], prefix: str = "") -> None:
        """Report keys that are no setting, and sections that are not mappings."""
        here = {s.key[len(prefix):].split(".")[0] for s in settings if s.key.startswith(prefix)}
        for key, value in data.items():
            name = f"{prefix}{key}"
            if key not in here:
                close = difflib.get_close_matches(str(key)[:64], sorted(here), n=1)
                hint = f"; did you mean `{prefix}{close[0]}`?" if close else f"; known here: {', '.join(sorted(here))}"
                self.problem(name, f"unknown setting `{_short(name)}`, ignored{hint}")
            elif any(s.key.startswith(name + ".") for s in settings):
                if isinstance(value, dict):
                    self.unknown_keys(value, settings, name + ".")
                elif value is not None:
                    self.problem(name, f"`{name}` must be a mapping, not {shown(value)}; its settings use their "
                                       "defaults")

    def finish(self) -> tuple[ConfigProblem, ...]:
        ordered = sorted(self.problems, key=lambda p: p.line)
        if len(ordered) <= MAX_PROBLEMS:
            return tuple(ordered)
        more = len(ordered) - MAX_PROBLEMS + 1
        last = ConfigProblem("the file", f"…and {more:,} more problems like these", ordered[MAX_PROBLEMS - 1].line)
        return (*ordered[: MAX_PROBLEMS - 1], last)


def _lookup(data: Mapping[str, Any], key: str) -> tuple[bool, Any]:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
