"""benchmarks/bench_corpus.py picks the standard-library-only packages of a mirrored project and copies them
out as modules; these check what it keeps in the build (the copies themselves are made at run time from
the mirrors, never committed)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from bench_corpus import extract, packages

from tests.gitrepo import Repo

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


EXITS_IN_INIT = b"""package functional

import (
	"fmt"
	"os"
	"testing"
)

func init() {
	if err := os.Symlink(os.Getenv("ETCD_V1_BIN"), ".versions/1"); err != nil {
		fmt.Printf("unexpected Symlink error: %v\\n", err)
		os.Exit(1)
	}
}

func TestIncCounter(t *testing.T) { IncCounter(make([]byte, 4)) }
"""

SETS_UP_IN_INIT = b"""package functional

import (
	"os"
	"testing"
)

func init() {
	os.Setenv("TZ", "UTC")
}

func helper() { os.Exit(1) }

func TestIncCounter(t *testing.T) { IncCounter(make([]byte, 4)) }
"""


def test_a_test_file_whose_init_exits_the_process_leaves_the_build() -> None:
    """etcd v2.0.1's migrate/functional links $ETCD_V1_BIN into place in its test file's init and exits
    when that fails: the test binary ended before any benchmark, and all 21 generated benchmarks of set 7
    failed ("stat : no such file or directory"). An init that only sets up, with an exit elsewhere in the
    file, keeps it in."""
    (_, bad), = packages({"f/ecies.go": SOURCE, "f/upgrade_test.go": EXITS_IN_INIT})
    assert bad["upgrade_test.go"].startswith(b"//go:build perfreview_offline\n")
    (_, good), = packages({"f/ecies.go": SOURCE, "f/upgrade_test.go": SETS_UP_IN_INIT})
    assert good["upgrade_test.go"] == SETS_UP_IN_INIT


BODILESS = b"""package bn256

// Implemented in gfp_amd64.s
//go:noescape
func gfpNeg(c, a *[4]uint64)
"""


def test_a_package_with_assembly_is_left_out(tmp_path: Path) -> None:
    """go-ethereum v1.8.2's crypto/bn256/cloudflare declares functions in gfp_amd64.go whose bodies are in
    gfp_amd64.s; only .go files were read from the mirror, so the check for assembly never saw the .s file,
    the package was copied without it and its 46 generated benchmarks of set 7 did not build ("missing
    function body"). The .s file is listed now (empty) and its package left out; a sibling without one is
    kept."""
    repo = Repo(tmp_path / "r")
    repo.commit({"bn256/gfp_amd64.go": BODILESS, "bn256/gfp_amd64.s": b"TEXT gfpNeg(SB),0,$0-16\n",
                 "ecies/ecies.go": SOURCE})
    tree = extract(repo.path, "HEAD")
    assert tree["bn256/gfp_amd64.s"] == b""
    assert [d for d, _ in packages(tree)] == ["ecies"]


def test_a_packages_small_data_files_come_along(tmp_path: Path) -> None:
    """caddy v2.0.0-beta.16's caddytest stats caddy.localhost.crt next to its source before the flagged
    lines; only .go files were copied, so the benchmark returned at the missing certificate. A package's
    own small files come along now; not those of a directory without Go files, not a large one, not a
    go.mod. Two directories holding the same file (one blob) both get it."""
    repo = Repo(tmp_path / "r")
    repo.commit({"caddytest/caddytest.go": SOURCE, "caddytest/caddy.localhost.crt": "-----BEGIN CERTIFICATE-----\n",
                 "caddytest/big.bin": b"x" * (65 * 1024), "caddytest/go.mod": "module other\n",
                 "assets/logo.txt": "logo\n", "ecies/ecies.go": SOURCE})
    tree = extract(repo.path, "HEAD")
    assert tree["ecies/ecies.go"] == SOURCE
    assert "assets/logo.txt" not in tree and "caddytest/big.bin" not in tree
    (_, files), = [(d, f) for d, f in packages(tree) if d == "caddytest"]
    assert files["caddy.localhost.crt"] == b"-----BEGIN CERTIFICATE-----\n"
    assert set(files) == {"caddytest.go", "caddy.localhost.crt"}
