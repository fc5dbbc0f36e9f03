"""The kinds of value a setting of `.github/perf-review.yml` can take. Each kind does two things from
one definition: it checks a parsed value (keeping what is valid, saying what is not and why) and it
describes itself as JSON Schema (draft-07, what editors' YAML plugins read). Because the parser and
docs/perf-review.schema.json come from the same objects, they cannot disagree.

A check answers (value, problems): the value to use, or INVALID when nothing usable is left (the
caller then uses the setting's default and says so), and (item suffix, message) pairs; the suffix
("[3]", ".lock-in-loop") points the message, and the check-run annotation, at the offending item.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analyzers.globs import MAX_GLOB_CHARS, glob_problem

MAX_LIST = 256  # items in any list: globs are matched against every changed file
Problems = list[tuple[str, str]]
Checked = tuple[Any, Problems]
INVALID: Any = object()  # a check's answer when the setting must fall back to its default


def shown(value: Any, limit: int = 60) -> str:
    """A value as it may appear in a message: short, whatever the file holds."""
    text = "empty" if value is None else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _kind_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    return {dict: "a mapping", list: "a list", str: "a string", int: "a number", float: "a number",
            type(None): "empty"}.get(type(value), type(value).__name__)


class Kind:
    """What one setting accepts."""

    expected: str = ""

    def check(self, value: Any) -> Checked:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def wrong(self, value: Any) -> Checked:
        what = f"{_kind_name(value)} {shown(value)}" if isinstance(value, dict | list) else shown(value)
        return INVALID, [("", f"must be {self.expected}, not {what}")]


@dataclass(frozen=True)
class Choice(Kind):
    values: tuple[str, ...]

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "one of " + ", ".join(self.values)

    def check(self, value: Any) -> Checked:
        return (value, []) if isinstance(value, str) and value in self.values else self.wrong(value)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.values)}


@dataclass(frozen=True)
class Boolean(Kind):
    expected: str = "true or false"

    def check(self, value: Any) -> Checked:
        return (value, []) if isinstance(value, bool) else self.wrong(value)

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Integer(Kind):
    minimum: int
    maximum: int

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a whole number from {self.minimum} to {self.maximum}"

    def check(self, value: Any) -> Checked:
        ok = isinstance(value, int) and not isinstance(value, bool) and self.minimum <= value <= self.maximum
        return (value, []) if ok else self.wrong(value)

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


@dataclass(frozen=True)
class Number(Kind):
    minimum: float
    maximum: float
    exclusive_minimum: bool = False

    @property
    def expected(self) -> str:  # type: ignore[override]
        low = f"above {self.minimum:g}" if self.exclusive_minimum else f"from {self.minimum:g}"
        return f"a number {low} to {self.maximum:g}"

    def check(self, value: Any) -> Checked:
        if not isinstance(value, int | float) or isinstance(value, bool) or value != value:  # NaN too
            return self.wrong(value)
        low = value > self.minimum if self.exclusive_minimum else value >= self.minimum
        return (value, []) if low and value <= self.maximum else self.wrong(value)

    def schema(self) -> dict[str, Any]:
        low = {"exclusiveMinimum": self.minimum} if self.exclusive_minimum else {"minimum": self.minimum}
        return {"type": "number", **low, "maximum": self.maximum}


@dataclass(frozen=True)
class StringList(Kind):
    """A list of strings (a single string counts as a list of one). Invalid items are dropped and
    reported; a list over MAX_LIST items is ignored as a whole (it is a mistake, not a setting)."""

    item: str = "string"
    item_problem: Callable[[str], str | None] = lambda s: None
    item_schema: Mapping[str, Any] | None = None
    max_items: int = MAX_LIST
    allow_false: bool = False  # `false` is a value of its own ("none at all", not "the default")

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a list of {self.item}s" + (" or false" if self.allow_false else "")

    def check(self, value: Any) -> Checked:
        if value is False and self.allow_false:
            return False, []
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            return self.wrong(value)
        if len(items) > self.max_items:
            return INVALID, [("", f"has {len(items):,} items; at most {self.max_items} are allowed, so the "
                                  "whole list is ignored")]
        kept: list[str] = []
        problems: Problems = []
        for i, item in enumerate(items):
            at = f"[{i}]" if isinstance(value, list) else ""
            problem = (f"must be a {self.item}, not {_kind_name(item)} {shown(item)}" if not isinstance(item, str)
                       else self.item_problem(item))
            if problem:
                problems.append((at, f"{shown(item)} is ignored: {problem}"))
            elif item not in kept:
                kept.append(item)
        # Nothing usable left of a non-empty list: the default, not "none of them" (an `enable` list
        # of typos must not switch every rule off).
        return (INVALID if items and not kept else tuple(kept)), problems

    def schema(self) -> dict[str, Any]:
        item = dict(self.item_schema or {"type": "string"})
        both: list[dict[str, Any]] = [item, {"type": "array", "items": item, "maxItems": self.max_items}]
        return {"anyOf": [*both, {"const": False}] if self.allow_false else both}


def glob_list(allow_false: bool = False) -> StringList:
    item = {"type": "string", "minLength": 1, "maxLength": MAX_GLOB_CHARS}
    return StringList("glob", glob_problem, item, MAX_LIST, allow_false)


def rule_list(known: Callable[[], Sequence[str]]) -> StringList:
    def problem(rule: str) -> str | None:
        ids = known()
        return None if rule in ids else "no rule has this id (the ids are listed in docs/rules.md)"

    return _RuleList("rule id", problem, None, MAX_LIST, known=known)


@dataclass(frozen=True)
class _RuleList(StringList):
    known: Callable[[], Sequence[str]] = lambda: ()

    def schema(self) -> dict[str, Any]:
        item = {"type": "string", "enum": list(self.known())}
        return {"anyOf": [item, {"type": "array", "items": item, "maxItems": self.max_items}]}


@dataclass(frozen=True)
class SeverityMap(Kind):
    """rule id -> info | warning | error. Unknown ids and bad severities are dropped and reported."""

    known: Callable[[], Sequence[str]]
    severities: tuple[str, ...]
    expected: str = "a mapping of rule ids to info, warning or error"

    def check(self, value: Any) -> Checked:
        if not isinstance(value, dict):
            return self.wrong(value)
        if len(value) > MAX_LIST:
            return INVALID, [("", f"has {len(value):,} entries; at most {MAX_LIST} are allowed, so it is ignored")]
        ids = self.known()
        out: dict[str, str] = {}
        problems: Problems = []
        for rule, severity in value.items():
            at = f".{rule}"
            if rule not in ids:
                problems.append((at, f"{shown(rule)} is ignored: no rule has this id (see docs/rules.md)"))
            elif severity not in self.severities:
                problems.append((at, f"{rule}: the severity must be {', '.join(self.severities)}, "
                                     f"not {shown(severity)}; ignored"))
            else:
                out[str(rule)] = severity
        return out, problems

    def schema(self) -> dict[str, Any]:
        level = {"type": "string", "enum": list(self.severities)}
        return {"type": "object", "properties": {r: level for r in self.known()}, "additionalProperties": False,
                "maxProperties": MAX_LIST}
