"""Output formats of `perf-review analyze`: text lines, versioned JSON, SARIF 2.1.0."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

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
        status += " [unmeasured]" if f.unmeasured else ""
        lines.append(f"{f.file}:{f.line}:{f.column}: {f.severity} {f.rule}: {f.message}{status}")
    for s in result.skipped:
        lines.append(f"{s.file}: skipped: {s.reason}")
    for ff in result.files:
        if ff.parse_errors:
            errors = "1 syntax error" if ff.parse_errors == 1 else f"{ff.parse_errors} syntax errors"
            lines.append(f"{ff.file}: {errors}; findings there may be incomplete")
    lines += profile_lines(result)
    counts = {sev: sum(1 for f in result.findings if f.severity == sev) for sev in ("error", "warning", "info")}
    lines.append(
        f"{len(result.findings)} finding(s) ({counts['error']} error, {counts['warning']} warning, "
        f"{counts['info']} info) in {len(result.functions)} function(s) of {len(result.files)} file(s)"
    )
    unmeasured = sum(1 for f in result.findings if f.unmeasured)
    if unmeasured:
        lines.append(f"{unmeasured} info finding(s) [unmeasured] would be warnings by the code's shape alone: a CPU "
                     "profile (--profile, default.pgo) showing their functions hot, or a //perf-review:hot mark, "
                     "makes them warnings; --evidence static trusts the shape")
    return "\n".join(lines) + "\n"


def to_json(result: Result) -> str:
    """The versioned JSON: one top-level key per line and one list item (finding, function, ...)
    per line. Items are encoded by the json module's C encoder: an indented dump goes through its
    pure-Python encoder, several times slower on large results; and one encoder serves every item
    (json.dumps builds a new one per call: a quarter of the encoding time of 12k functions)."""
    encode = _item_encoder()
    parts = []
    for key, value in result.to_json().items():
        if isinstance(value, list) and value:
            items = ",\n    ".join(encode(v) for v in value)
            parts.append(f"  {json.dumps(key)}: [\n    {items}\n  ]")
        else:
            parts.append(f"  {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _item_encoder() -> Callable[[Any], str]:
    """json.dumps with its defaults, as one reusable encoder: the C encoder json.dumps itself uses
    (with a fresh circular-reference check per item), else json.dumps."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return json.dumps
    markers: dict[int, Any] = {}
    encoder = make(markers, json.JSONEncoder().default, json.encoder.encode_basestring_ascii, None, ": ", ", ",
                   False, False, True)

    def encode(value: Any) -> str:
        markers.clear()  # what an item that failed to encode may have left
        return "".join(encoder(value, 0))

    return encode


def sarif_location(path: str, root: Path) -> dict[str, str]:
    """A finding's file as SARIF wants it for code scanning: relative to `root` (the repository root with
    --repo, else the current directory) under the base id SRCROOT; a file outside it gets its absolute URI."""
    p = Path(path)
    absolute = p if p.is_absolute() else root / p
    try:
        relative = absolute.resolve().relative_to(root.resolve())
    except ValueError:
        return {"uri": absolute.resolve().as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": "SRCROOT"}


def to_sarif(result: Result, version: str = "0.1.0", root: Path | None = None) -> str:
    """SARIF 2.1.0. `root`: what paths are relative to (default: the current directory)."""
    root = root or Path.cwd()
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
                        "artifactLocation": sarif_location(f.file, root),
                        "region": {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line},
                    }
                }
            ],
            "partialFingerprints": {"perfReview/v1": f.fingerprint},
            "properties": {"hotPath": f.hot_path, "function": f.function, **({"status": f.status} if f.status else {}),
                           **({"cpuShare": f.cpu_share} if f.cpu_share is not None else {}),
                           **({"unmeasured": True} if f.unmeasured else {})},
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
                "originalUriBaseIds": {"SRCROOT": {"uri": root.resolve().as_uri().rstrip("/") + "/"}},
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"
