"""The `// want "regexp"` harness: run one rule alone over its testdata and compare line by line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from analyzers.engine import Options, analyze_files
from analyzers.model import Finding

TESTDATA = Path(__file__).resolve().parent.parent / "analyzers" / "rules" / "testdata"
WANT = re.compile(r'//\s*want\s+"((?:[^"\\]|\\.)*)"')


@dataclass
class Mismatch:
    file: str
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.problem}"


def rule_dirs() -> list[Path]:
    return sorted(p for p in TESTDATA.iterdir() if p.is_dir())


def load_dir(directory: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and (path.suffix == ".go" or path.name == "go.mod"):
            files[path.relative_to(directory).as_posix()] = path.read_bytes()
    return files


def wants(src: bytes) -> dict[int, re.Pattern[str]]:
    out: dict[int, re.Pattern[str]] = {}
    for i, line in enumerate(src.decode().splitlines(), start=1):
        m = WANT.search(line)
        if m:
            out[i] = re.compile(m.group(1).replace('\\"', '"'))
    return out


def check_rule(rule_id: str, directory: Path) -> tuple[list[Mismatch], list[Finding]]:
    files = load_dir(directory)
    result = analyze_files(files, Options(enabled_rules=frozenset({rule_id})))
    found = [f for f in result.findings if f.rule == rule_id]
    problems: list[Mismatch] = []
    for path, src in files.items():
        if not path.endswith(".go") or path.endswith("_test.go"):
            continue
        expected = wants(src)
        got: dict[int, list[Finding]] = {}
        for f in found:
            if f.file == path:
                got.setdefault(f.line, []).append(f)
        for line, pattern in expected.items():
            hits = got.get(line, [])
            if not hits:
                problems.append(Mismatch(path, line, f"expected a finding matching {pattern.pattern!r}, got none"))
            elif len(hits) > 1:
                problems.append(Mismatch(path, line, f"expected one finding, got {len(hits)}"))
            elif not pattern.search(hits[0].message):
                problems.append(Mismatch(path, line, f"message {hits[0].message!r} !~ {pattern.pattern!r}"))
        for line, hits in got.items():
            if line not in expected:
                problems.append(Mismatch(path, line, f"unexpected finding: {hits[0].message}"))
    return problems, found
