"""Precision: on code a careful engineer writes (tests/corpus/clean), no rule warns.

Every rule runs here, so a rule that starts flagging idiomatic code fails this test; the corpus
compiles (go vet) so it stays real Go."""

from __future__ import annotations

from pathlib import Path

from analyzers.engine import Options, analyze_files
from tests.gotool import run_go
from tests.ruletest import load_dir

CLEAN = Path(__file__).parent / "corpus" / "clean"


def test_no_warnings_on_clean_code() -> None:
    result = analyze_files(load_dir(CLEAN), Options())
    loud = [f"{f.file}:{f.line}: {f.rule}: {f.message}" for f in result.findings if f.severity != "info"]
    assert not loud, "\n".join(loud)
    assert len(result.functions) >= 30


def test_clean_corpus_compiles(go_cache: Path) -> None:
    proc = run_go(["vet", "./..."], CLEAN, go_cache)
    assert proc.returncode == 0, proc.stderr
