"""Precision: on code a careful engineer writes (tests/corpus/clean), no rule warns.

Every rule runs here, so a rule that starts flagging idiomatic code fails this test; the corpus is
vetted with the rule testdata (tests/test_testdata_compiles.py) so it stays real Go."""

from __future__ import annotations

from pathlib import Path

from analyzers.engine import Options, analyze_files
from tests.ruletest import load_dir

CLEAN = Path(__file__).parent / "corpus" / "clean"


def test_no_warnings_on_clean_code() -> None:
    result = analyze_files(load_dir(CLEAN), Options())
    loud = [f"{f.file}:{f.line}: {f.rule}: {f.message}" for f in result.findings if f.severity != "info"]
    assert not loud, "\n".join(loud)
    assert len(result.functions) >= 30
