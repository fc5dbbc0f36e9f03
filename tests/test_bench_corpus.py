"""benchmarks/bench_corpus.py picks the standard-library-only packages of a mirrored project and copies them
out as modules; these check what it keeps in the build (the copies themselves are made at run time from
the mirrors, never committed)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from bench_corpus import packages

SOURCE = b"""package ecies

func IncCounter(ctr []byte) {
	for i := len(ctr) - 1; i >= 0; i-- {
		ctr[i]++
		if ctr[i] != 0 {
			return
		}
	}
}
"""

PARSES_IN_INIT = b"""package ecies

import (
	"flag"
	"testing"
)

var dumpEnc bool

func init() {
	flDump := flag.Bool("dump", false, "write encrypted test message to file")
	flag.Parse()
	dumpEnc = *flDump
}

func TestIncCounter(t *testing.T) { IncCounter(make([]byte, 4)) }
"""

PARSES_IN_TEST_MAIN = b"""package ecies

import (
	"flag"
	"os"
	"testing"
)

var dump = flag.Bool("dump", false, "write encrypted test message to file")

func init() {
	os.Setenv("TZ", "UTC")
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(m.Run())
}
"""


def test_a_test_file_that_parses_flags_in_init_leaves_the_build() -> None:
    """go-ethereum v1.3's crypto/ecies parses flags in its test file's init: since Go 1.13 that stops the
    test binary at `-test.run` ("flag provided but not defined") before any benchmark runs, so all 11
    generated benchmarks of the package failed. The file stays (the generator reads it) but out of the
    build; flag.Parse in TestMain, the supported place, keeps its file in."""
    (_, bad), = packages({"crypto/ecies/ecies.go": SOURCE, "crypto/ecies/ecies_test.go": PARSES_IN_INIT})
    assert bad["ecies.go"] == SOURCE
    assert bad["ecies_test.go"].startswith(b"//go:build perfreview_offline\n")
    (_, good), = packages({"crypto/ecies/ecies.go": SOURCE, "crypto/ecies/main_test.go": PARSES_IN_TEST_MAIN})
    assert good["main_test.go"] == PARSES_IN_TEST_MAIN
