"""The API description the stand-in answers to: operations, path templates, parameters and request
body schemas from tests/data/github/openapi-subset.json (GitHub's own OpenAPI description, a subset)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parents[1] / "data" / "github" / "openapi-subset.json"
METHODS = ("get", "post", "patch", "put", "delete")


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    template: str  # "/repos/{owner}/{repo}/pulls/{pull_number}"
    operation_id: str
    pattern: re.Pattern[str]
    query_params: frozenset[str]
    body_pointer: str | None  # JSON pointer of the request body schema


class Spec:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = _nullable_to_types(document)
        self.operations = [op for op in self._operations()]
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource("urn:openapi", resource)

    def _operations(self) -> list[Operation]:
        ops: list[Operation] = []
        for template, item in self.document["paths"].items():
            for method in METHODS:
                op = item.get(method)
                if op is None:
                    continue
                params = [self._deref(p) for p in item.get("parameters", []) + op.get("parameters", [])]
                query = frozenset(p["name"] for p in params if p.get("in") == "query")
                multi = {p["name"] for p in params if p.get("in") == "path" and p.get("x-multi-segment")}
                body = None
                if "requestBody" in op:
                    escaped = template.replace("~", "~0").replace("/", "~1")
                    body = f"/paths/{escaped}/{method}/requestBody/content/application~1json/schema"
                ops.append(Operation(method.upper(), template, op.get("operationId", ""),
                                     _compile(template, multi), query, body))
        return ops

    def _deref(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = self.resolve_pointer(node["$ref"].lstrip("#"))
        return node

    def resolve_pointer(self, pointer: str) -> Any:
        node: Any = self.document
        for part in pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        for op in self.operations:
            if op.method != method:
                continue
            m = op.pattern.fullmatch(path)
            if m:
                return op, m.groupdict()
        return None

    def body_errors(self, op: Operation, body: Any) -> list[str]:
        """Schema violations of a request body (empty when valid)."""
        if op.body_pointer is None:
            return [] if body is None else ["this operation takes no request body"]
        schema = {"$ref": f"urn:openapi#{op.body_pointer}"}
        validator = jsonschema.Draft202012Validator(schema, registry=self._registry)
        return [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message[:200]}"
                for e in validator.iter_errors(body)]


def _compile(template: str, multi_segment: set[str]) -> re.Pattern[str]:
    out = ""
    for part in re.split(r"(\{[^}]+\})", template):
        if part.startswith("{"):
            name = part[1:-1]
            out += f"(?P<{name}>.+)" if name in multi_segment else f"(?P<{name}>[^/]+)"
        else:
            out += re.escape(part)
    return re.compile(out)


def _nullable_to_types(node: Any) -> Any:
    """OpenAPI 3.0's `nullable: true` is not JSON Schema: turn it into a "null" type."""
    if isinstance(node, list):
        return [_nullable_to_types(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable_to_types(v) for k, v in node.items()}
    if out.pop("nullable", False) is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out


@lru_cache(maxsize=1)
def load_spec() -> Spec:
    return Spec(json.loads(SPEC_PATH.read_text()))
