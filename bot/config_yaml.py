"""YAML from a repository, read as untrusted input: bounded in size, depth and cost.

The configuration file is written by whoever can push to the default branch, and every review of
every pull request reads it, so reading it must cost little whatever it contains:

- at most MAX_CONFIG_BYTES bytes are parsed (a longer file is refused unread);
- aliases (`*name`, and so `<<: *name` merges) are refused while composing, before anything is
  expanded: an "alias bomb" of nested aliases (a few hundred bytes that expand to gigabytes) and a
  recursive alias (which makes PyYAML's constructor recurse until RecursionError) never get built;
- nesting deeper than MAX_DEPTH is refused while composing (the composer recurses once per level);
- only plain data is built (PyYAML's SafeLoader: no Python objects), and an integer too long for
  Python (`ValueError`) is a problem with the file like any syntax error.

`load` answers the data and, for the messages, the line of every key and list item. With libyaml
(PyYAML's wheels ship it) the event stream is read first, in C and without recursion, and the
document is only composed once it holds no alias and is shallow enough; that costs about a tenth of
the pure-Python loader's time (about 0.5 s instead of 3.5 s for the costliest 64 KB file measured, a
flow list of 32,000 items). Without libyaml the pure-Python loader refuses the same things while
composing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_CONFIG_BYTES = 64 * 1024
MAX_DEPTH = 16


class YamlRefused(Exception):
    """The document cannot be used at all; `line` is 1-based (None: the whole file)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Document:
    data: Any
    # "rules.disable" -> line of that key; "exclude[3]" -> line of that item; "rules.severity.x" ...
    lines: dict[str, int] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)  # key paths set more than once


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and deep nesting while composing the node graph."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise YamlRefused(f"uses the YAML alias *{event.anchor}: aliases are not supported here; "
                              "write the values out", event.start_mark.line + 1)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise YamlRefused(f"is nested more than {MAX_DEPTH} levels deep", mark.line + 1)
            node: yaml.Node | None = super().compose_node(parent, index)
            return node
        finally:
            self._depth -= 1


_FAST: Any = getattr(yaml, "CSafeLoader", None)  # libyaml, when PyYAML was built with it


def _scan(raw: str) -> None:
    """Refuse aliases and deep nesting from the event stream, before any node is composed (libyaml's
    composer recurses in C, where no recursion limit would stop a 30,000-deep document)."""
    depth = 0
    for event in yaml.parse(raw, Loader=_FAST):
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, yaml.AliasEvent):
            raise YamlRefused(f"uses the YAML alias *{event.anchor}: aliases are not supported here; "
                              "write the values out", line)
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlRefused(f"is nested more than {MAX_DEPTH} levels deep", line)
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            depth -= 1


def load(text: bytes | str) -> Document:
    """The parsed document. Raises YamlRefused for a file that cannot be used at all."""
    size = len(text.encode("utf-8", "replace")) if isinstance(text, str) else len(text)
    if size > MAX_CONFIG_BYTES:
        raise YamlRefused(f"is {size:,} bytes; the limit is {MAX_CONFIG_BYTES // 1024} KB")
    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    loader: Any = None
    try:
        if _FAST is not None:
            _scan(raw)
        loader = (_FAST or _BoundedLoader)(raw)  # the pure-Python one reads at once: control characters
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlRefused(f"is not valid YAML: {exc.problem or exc.context or 'syntax error'}",
                          mark.line + 1 if mark is not None else None) from None
    except yaml.YAMLError as exc:
        raise YamlRefused(f"is not valid YAML: {str(exc)[:200]}") from None
    except (ValueError, OverflowError) as exc:  # e.g. an integer of more than 4,300 digits
        raise YamlRefused(f"holds a value that cannot be read: {str(exc)[:200]}") from None
    finally:
        if loader is not None:
            loader.dispose()
    doc = Document(data)
    if node is not None:
        _walk(node, "", doc)
    return doc


def _walk(node: yaml.Node, prefix: str, doc: Document) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = f"{prefix}{key.value}" if isinstance(key, yaml.ScalarNode) else f"{prefix}?"
            if name in seen:
                doc.duplicates.append(name)
            seen.add(name)
            doc.lines[name] = key.start_mark.line + 1
            _walk(value, name + ".", doc)
    elif isinstance(node, yaml.SequenceNode):
        base = prefix[:-1]
        for i, item in enumerate(node.value):
            doc.lines[f"{base}[{i}]"] = item.start_mark.line + 1
            _walk(item, f"{base}[{i}].", doc)
