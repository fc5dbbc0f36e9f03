"""The result of `perf-review measure` as JSON (format version 1, fixed) and back.

The CLI writes it; the App reads it from a workflow artifact, so reading validates against SCHEMA
first (jsonschema), rejects NaN and Infinity, and only then builds the plain values the review renders.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import jsonschema

from analyzers.report.measured import MeasuredBenchmark, Measurement, SideSample

VERSION = 1
ARTIFACT_NAME = "perf-review-measure"  # the Action uploads it, the App downloads it: one name
ARTIFACT_FILE = "perf-review-measure.json"  # the one member of that artifact
VERDICTS = ("slower", "faster", "unchanged", "inconclusive", "new")
COUNT_VERDICTS = ("more", "fewer", "unchanged", "inconclusive", "new")

_SHA = {"type": "string", "pattern": "^([0-9a-f]{40}|[0-9a-f]{64})$"}
_TEXT = {"type": "string", "maxLength": 300}
_NUM = {"type": "number"}
_COUNT = {"type": ["integer", "null"], "minimum": 0}
_SIDE = {
    "type": ["object", "null"],
    "additionalProperties": False,
    "required": ["ns_per_op", "allocs_per_op", "bytes_per_op"],
    "properties": {
        "ns_per_op": {"type": "array", "maxItems": 1000, "items": {"type": "number", "exclusiveMinimum": 0}},
        "allocs_per_op": _COUNT,
        "bytes_per_op": _COUNT,
    },
}
_BENCHMARK = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "function", "file", "existing", "base", "head", "delta_pct", "ci_pct", "p_value",
                 "verdict", "allocs_verdict"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 300},
        "function": {"type": "string", "minLength": 1, "maxLength": 300},
        "file": _TEXT,
        "existing": {"type": "boolean"},
        "base": _SIDE,
        "head": _SIDE,
        "delta_pct": {"type": ["number", "null"]},
        "ci_pct": {"type": ["array", "null"], "minItems": 2, "maxItems": 2, "items": _NUM},
        "p_value": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
        "verdict": {"enum": list(VERDICTS)},
        "allocs_verdict": {"enum": list(COUNT_VERDICTS)},
        "control_spread_pct": {"type": ["number", "null"], "minimum": 0},
        "rounds": {"type": "integer", "minimum": 0},
        "out_of_time": {"type": "boolean"},
        "base_name": {"type": "string", "maxLength": 300},
    },
}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "perf-review measure result, version 1",
    "type": "object",
    "additionalProperties": False,
    "required": ["version", "base", "head", "go_version", "machine", "benchmarks", "control", "skipped"],
    "properties": {
        "version": {"const": VERSION},
        "base": _SHA,
        "head": _SHA,
        "go_version": _TEXT,
        "machine": {
            "type": "object",
            "additionalProperties": False,
            "required": ["cpu", "goos", "goarch", "cores"],
            "properties": {"cpu": _TEXT, "goos": _TEXT, "goarch": _TEXT, "cores": {"type": "integer", "minimum": 0}},
        },
        "benchmarks": {"type": "array", "maxItems": 2000, "items": _BENCHMARK},
        "control": {
            "type": "object",
            "additionalProperties": False,
            "required": ["spread_pct"],
            "properties": {"spread_pct": {"type": ["number", "null"], "minimum": 0}},
        },
        "run": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "rounds": {"type": "integer", "minimum": 0},
                "benchtime": _TEXT,
                "stopped": {"enum": ["decided", "count", "budget", "nothing to run"]},
                "time_budget_s": _NUM,
                "elapsed_s": _NUM,
                "out_of_time": {"type": "array", "maxItems": 2000, "items": _TEXT},
                # optional: code layouts per side (head: this many test binaries, base: twice, half for each
                # run of the control pair); 1 when the layout was not varied
                "layouts": {"type": "integer", "minimum": 1, "maximum": 1000},
            },
        },
        "skipped": {
            "type": "array",
            "maxItems": 2000,
            "items": {"type": "object", "additionalProperties": False, "required": ["name", "reason"],
                      "properties": {"name": _TEXT, "reason": {"type": "string", "maxLength": 2000}}},
        },
    },
}


class ResultError(ValueError):
    """A document that is not a valid version-1 measure result; the message says what is wrong."""


def _side_json(s: SideSample | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"ns_per_op": list(s.ns_per_op), "allocs_per_op": s.allocs_per_op, "bytes_per_op": s.bytes_per_op}


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def to_json(m: Measurement, *, time_budget_s: float = 0.0, elapsed_s: float = 0.0) -> dict[str, Any]:
    return {
        "version": VERSION,
        "base": m.base,
        "head": m.head,
        "go_version": m.go_version,
        "machine": {"cpu": m.cpu, "goos": m.goos, "goarch": m.goarch, "cores": m.cores},
        "benchmarks": [
            {"name": b.name, "function": b.function, "file": b.file, "existing": b.existing,
             "base": _side_json(b.base), "head": _side_json(b.head), "delta_pct": _finite(b.delta_pct),
             "ci_pct": list(b.ci_pct) if b.ci_pct else None, "p_value": b.p_value, "verdict": b.verdict,
             "allocs_verdict": b.allocs_verdict, "control_spread_pct": _finite(b.control_spread_pct),
             "rounds": b.rounds,
             "out_of_time": b.out_of_time, **({"base_name": b.base_name} if b.base_name else {})}
            for b in m.benchmarks
        ],
        "control": {"spread_pct": _finite(m.control_spread_pct)},
        "run": {"rounds": m.rounds, "benchtime": m.benchtime, "stopped": m.stopped or "count",
                "time_budget_s": round(time_budget_s, 1), "elapsed_s": round(elapsed_s, 1),
                "out_of_time": list(m.out_of_time), **({"layouts": m.layouts} if m.layouts else {})},
        "skipped": [{"name": n, "reason": r} for n, r in m.skipped],
    }


def _reject_constant(name: str) -> Any:
    raise ResultError(f"{name} is not a JSON number")


def loads(text: str | bytes) -> Measurement:
    """Parse and validate a document. Raises ResultError."""
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ResultError("the JSON is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        if isinstance(exc, ResultError):
            raise
        raise ResultError(f"not JSON: {exc}") from None
    return from_json(doc)


def from_json(doc: Any) -> Measurement:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise ResultError(f"does not match the version-{VERSION} schema at {where}: {error.message[:200]}")
    machine = doc["machine"]
    run: Mapping[str, Any] = doc.get("run") or {}
    return Measurement(
        base=doc["base"], head=doc["head"], go_version=doc["go_version"], cpu=machine["cpu"],
        goos=machine["goos"], goarch=machine["goarch"], cores=machine["cores"],
        benchmarks=tuple(_benchmark(b) for b in doc["benchmarks"]),
        control_spread_pct=doc["control"]["spread_pct"],
        skipped=tuple((s["name"], s["reason"]) for s in doc["skipped"]),
        rounds=int(run.get("rounds", 0)), benchtime=str(run.get("benchtime", "")), stopped=str(run.get("stopped", "")),
        out_of_time=tuple(run.get("out_of_time", ())), layouts=int(run.get("layouts", 0)),
    )


def _side(s: Mapping[str, Any] | None) -> SideSample | None:
    if s is None:
        return None
    return SideSample(tuple(float(x) for x in s["ns_per_op"]), s["allocs_per_op"], s["bytes_per_op"])


def _benchmark(b: Mapping[str, Any]) -> MeasuredBenchmark:
    ci = b["ci_pct"]
    return MeasuredBenchmark(
        name=b["name"], function=b["function"], file=b["file"], existing=b["existing"], base=_side(b["base"]),
        head=_side(b["head"]), delta_pct=b["delta_pct"], ci_pct=(float(ci[0]), float(ci[1])) if ci else None,
        p_value=b["p_value"], verdict=b["verdict"], allocs_verdict=b["allocs_verdict"],
        control_spread_pct=b.get("control_spread_pct"), rounds=int(b.get("rounds", 0)),
        out_of_time=bool(b.get("out_of_time")), base_name=str(b.get("base_name", "")),
    )
