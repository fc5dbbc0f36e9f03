"""The repository stands alone: nothing in it reaches a path outside the checkout.

Two checks: a static one over every Python file (a `Path(__file__)` climbed above the repository root,
an `os.pardir` or `"../"` path literal handed to a path API), and, for the whole session, the audit
hook installed by conftest.py that refuses to open anything in a folder beside the checkout.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, outside_reads

SCANNED = ("analyzers", "bot", "tests", "benchmarks", "examples", "tools")
PATH_CALLS = {"Path", "open", "join", "read_text", "read_bytes", "joinpath", "chdir", "glob", "rglob"}


def _python_files() -> list[Path]:
    files: list[Path] = []
    for top in SCANNED:
        files += [p for p in (ROOT / top).rglob("*.py") if "testdata" not in p.parts and "data" not in p.parts]
    return sorted(files)


def _levels_up(node: ast.AST) -> int | None:
    """How many folders `Path(__file__)...parent.parent` / `.parents[N]` climbs, or None if not that shape."""
    levels = 0
    while True:
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            levels += 1
            node = node.value
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "parents"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, int)
        ):
            levels += node.slice.value + 1
            node = node.value.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "resolve":
            node = node.func.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Path":
            arg = node.args[0] if node.args else None
            return levels if isinstance(arg, ast.Name) and arg.id == "__file__" and levels else None
        else:
            return None


def _escapes(path: Path) -> list[str]:
    problems: list[str] = []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        up = _levels_up(node)
        if up is not None:
            target = path.resolve().parents[up - 1]
            if not target.is_relative_to(ROOT):
                problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: climbs {up} folders, out of the repository")
        if isinstance(node, ast.Attribute) and node.attr == "pardir":
            problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: os.pardir")
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in PATH_CALLS:
                for arg in node.args:
                    literal = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else ""
                    if re.match(r"\.\.(/|$)", literal):
                        problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}({literal!r})")
    return problems


def test_no_python_file_climbs_out_of_the_repository() -> None:
    problems = [p for f in _python_files() for p in _escapes(f)]
    assert problems == []


def test_the_checker_sees_an_escape(tmp_path: Path) -> None:
    """The static check can fail: a file two folders deep that climbs four is reported."""
    probe = ROOT / "tests" / "_probe_escape.py"
    probe.write_text('from pathlib import Path\nX = Path(__file__).resolve().parents[2] / "sibling-folder"\n')
    try:
        assert _escapes(probe) and "climbs 3 folders" in _escapes(probe)[0]
    finally:
        probe.unlink()


@pytest.mark.parametrize("name", ["Makefile", ".ci/run"])
def test_build_files_do_not_reach_outside(name: str) -> None:
    text = (ROOT / name).read_text(encoding="utf-8")
    assert "../" not in text and "apt-get" not in text


def test_the_session_opened_nothing_beside_the_checkout() -> None:
    """conftest.py refuses such opens as they happen; this lists any that were attempted anyway."""
    assert outside_reads() == []


def test_the_audit_hook_refuses_a_sibling_folder() -> None:
    sibling = ROOT.parent / "sibling-folder" / "github" / "openapi-subset.json"  # any folder beside the checkout
    if ROOT.parent in (Path("/"), Path.home()):
        pytest.skip("the checkout's parent is / or HOME: the guard is off there")
    with pytest.raises(PermissionError, match="outside the repository"):
        sibling.read_text()
    outside_reads().clear()
