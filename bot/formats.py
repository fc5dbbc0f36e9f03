"""Output formats of `perf-review analyze`: text lines, versioned JSON, SARIF 2.1.0."""

from __future__ import annotations

import json
from typing import Any

from analyzers.model import Result
from analyzers.pprof.tiers import percent
from analyzers.report.profile_notes import profile_lines
from analyzers.rules import rules_by_id

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"info": "note", "warning": "warning", "error": "error"}


def to_text(result: Result) -> str:
    lines = []
    for f in result.findings:
        status = f" [{f.status}]" if f.status else ""
        status += f" [{f.hot_path}: {percent(f.cpu_share)} CPU]" if f.cpu_share is not None else ""
        lines.append(f"{f.file}:{f.line}:{f.column}: {f.severity} {f.rule}: {f.message}{status}")
    for s in result.skipped:
        lines.append(f"{s.file}: skipped: {s.reason}")
    lines += profile_lines(result)
    counts = {sev: sum(1 for f in result.findings if f.severity == sev) for sev in ("error", "warning", "info")}
    lines.append(
        f"{len(result.findings)} finding(s) ({counts['error']} error, {counts['warning']} warning, "
        f"{counts['info']} info) in {len(result.functions)} function(s) of {len(result.files)} file(s)"
    )
    return "\n".join(lines) + "\n"


def to_json(result: Result) -> str:
    """The versioned JSON: one top-level key per line and one list item (finding, function, ...)
    per line. Items are encoded by the json module's C encoder: an indented dump goes through its
    pure-Python encoder, several times slower on large results."""
    parts = []
    for key, value in result.to_json().items():
        if isinstance(value, list) and value:
            items = ",\n    ".join(json.dumps(v) for v in value)
            parts.append(f"  {json.dumps(key)}: [\n    {items}\n  ]")
        else:
            parts.append(f"  {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def to_sarif(result: Result, version: str = "0.1.0") -> str:
    rules = rules_by_id()
    used = sorted({f.rule for f in result.findings})
    index = {rid: i for i, rid in enumerate(used)}
    descriptors: list[dict[str, Any]] = []
    for rid in used:
        r = rules.get(rid)
        descriptors.append(
            {
                "id": rid,
                "name": "".join(p.capitalize() for p in rid.split("-")),
                "shortDescription": {"text": r.summary if r else rid},
                "fullDescription": {"text": r.summary if r else rid},
                "help": {"text": r.doc if r else rid, "markdown": r.doc if r else rid},
                "properties": {"tags": ["performance", r.category if r else "meta"]},
            }
        )
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.file},
                        "region": {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line},
                    }
                }
            ],
            "partialFingerprints": {"perfReview/v1": f.fingerprint},
            "properties": {"hotPath": f.hot_path, "function": f.function, **({"status": f.status} if f.status else {}),
                           **({"cpuShare": f.cpu_share} if f.cpu_share is not None else {})},
        }
        for f in result.findings
    ]
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "perf-review",
                        "version": version,
                        "rules": descriptors,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"
