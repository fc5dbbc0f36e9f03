"""What the seventh set not tuned on (benchmarks/set7.txt) showed: each class as a small package whose generated
benchmarks are built and run once with coverage by the real toolchain (one `go test -c` for all of them, as
tests.benchcheck does). The corpus tool's classes (assembly, a test init that exits) are in test_bench_corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchcheck import Run, check_packages, summarise
from tests.benchcheck import assert_ran_and_covered as _ok
from tests.test_benchmarks_inputs import body, plan

ARCHIVE = """package archive

import (
	"archive/tar"
	"archive/zip"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"regexp"
)

// Archive is what AddFile writes a file's header and content to.
type Archive interface {
	Header(fi os.FileInfo) (io.Writer, error)
	Close() error
}

type ZipArchive struct {
	dir  string
	zipw *zip.Writer
	file io.Closer
}

func NewZipArchive(w io.WriteCloser) Archive { return &ZipArchive{"", zip.NewWriter(w), w} }

func (a *ZipArchive) Header(fi os.FileInfo) (io.Writer, error) {
	head, err := zip.FileInfoHeader(fi)
	if err != nil {
		return nil, err
	}
	head.Name = a.dir + head.Name
	return a.zipw.CreateHeader(head)
}

func (a *ZipArchive) Close() error {
	if err := a.zipw.Close(); err != nil {
		return err
	}
	return a.file.Close()
}

type TarballArchive struct {
	dir  string
	tarw *tar.Writer
	gzw  *gzip.Writer
	file io.Closer
}

func NewTarballArchive(w io.WriteCloser) Archive {
	gzw := gzip.NewWriter(w)
	return &TarballArchive{"", tar.NewWriter(gzw), gzw, w}
}

func (a *TarballArchive) Header(fi os.FileInfo) (io.Writer, error) {
	head, err := tar.FileInfoHeader(fi, "")
	if err != nil {
		return nil, err
	}
	head.Name = a.dir + head.Name
	if err := a.tarw.WriteHeader(head); err != nil {
		return nil, err
	}
	return a.tarw, nil
}

func (a *TarballArchive) Close() error {
	if err := a.tarw.Close(); err != nil {
		return err
	}
	return a.gzw.Close()
}

// AddFile copies a file into the archive.
func AddFile(a Archive, file string) error {
	fd, err := os.Open(file)
	if err != nil {
		return err
	}
	defer fd.Close()
	fi, err := fd.Stat()
	if err != nil {
		return err
	}
	w, err := a.Header(fi)
	if err != nil {
		return fmt.Errorf("header of %s: %v", file, err)
	}
	if !regexp.MustCompile(`^[\\w./-]+$`).MatchString(fi.Name()) {
		return fmt.Errorf("bad name %q", fi.Name())
	}
	_, err = io.Copy(w, fd)
	return err
}

// flateWriter writes through a flate writer.
type flateWriter struct {
	w *flate.Writer
}

func (fw *flateWriter) Write(p []byte) (int, error) {
	return fw.w.Write(p)
}
"""

ENV = """package env

import (
	"log"
	"os"
	"path/filepath"
	"strings"
)

// GOPATH is the first GOPATH entry with every other one after it, each cleaned.
func GOPATH() string {
	path := filepath.SplitList(os.Getenv("GOPATH"))
	if len(path) == 0 {
		log.Fatal("GOPATH is not set")
	}
	out := ""
	for _, dir := range path {
		out += filepath.Clean(dir) + string(filepath.ListSeparator)
	}
	return out
}

// Workers is $WORKERS, or "" when it is unset.
func Workers() string {
	w, ok := os.LookupEnv("PERF_REVIEW_WORKERS")
	if !ok {
		return ""
	}
	out := ""
	for _, part := range strings.Split(w, ",") {
		out += part + ";"
	}
	return out
}

// Home is the home directory's cache folder: read, never checked (near miss: nothing is set).
func Home() string {
	return os.Getenv("HOME") + "/.cache"
}

// Artifacts is $ARTIFACTS, else a default put in its place (near miss: nothing is set).
func Artifacts() string {
	dir := os.Getenv("ARTIFACTS")
	if dir == "" {
		dir = "./_artifacts"
	}
	return dir
}

// Output is under $OUTPUT, which it leaves without: the variable holding it says it is a directory.
func Output() string {
	outDir := os.Getenv("OUTPUT")
	if outDir == "" {
		return ""
	}
	return filepath.Join(outDir, "x")
}
"""

# prometheus' web/blob (set 7): `files` comes from a file its Makefile generates, which nothing commits.
BLOB = """package blob

import "strings"

func Lookup(name string) []byte {
	out := ""
	for _, part := range strings.Split(name, "/") {
		out += part
	}
	return files[out]
}
"""

# Near miss: the package builds, its own test file does not.
TESTBROKEN = """package testbroken

import "strings"

func Join(parts []string) string {
	out := ""
	for _, part := range parts {
		out += strings.TrimSpace(part)
	}
	return out
}
"""

TESTBROKEN_TEST = """package testbroken

import "testing"

func TestJoin(t *testing.T) { _ = undefinedHelper() }
"""

PACKAGES = {"archive": ARCHIVE, "env": ENV, "blob": BLOB, "testbroken": TESTBROKEN}


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory, go_cache: Path) -> dict[str, Run]:
    module, work = tmp_path_factory.mktemp("unseen7") / "u", tmp_path_factory.mktemp("work")
    errors, runs = check_packages(PACKAGES, {"testbroken/testbroken_test.go": TESTBROKEN_TEST}, module, work, go_cache)
    assert len(errors) == 1 and "undefined: files" in errors[0] and "undefinedHelper" in errors[0], errors
    return runs



def test_archive_and_compression_writers_are_known_values(ran: dict[str, Run]) -> None:
    """go-ethereum v1.4's internal/build: `AddFile(a Archive, file)` got a TarballArchive whose *tar.Writer
    was nil (nil dereference in Header), and the archives' own methods skipped with "no value of *tar.Writer
    (*zip.Writer) is known", minio's rpc `flateWriter.Write` with *flate.Writer. Each is now made on
    io.Discard; the flagged line after the header runs."""
    _ok(ran["BenchmarkAddFile"])
    assert ran["BenchmarkAddFile"].covered
    for name in ("BenchmarkTarballArchive_Header", "BenchmarkZipArchive_Header", "BenchmarkFlateWriter_Write"):
        _ok(ran[name])


def test_an_environment_variable_checked_for_being_unset_is_set(ran: dict[str, Run]) -> None:
    """go-ethereum's build `GOPATH()` calls log.Fatal when $GOPATH is empty, as it is under go test: the
    process ended. A variable the function reads and checks for being unset is set with b.Setenv (a
    temporary directory for a path), also through os.LookupEnv's ok."""
    _ok(ran["BenchmarkGOPATH"])
    assert ran["BenchmarkGOPATH"].covered
    _ok(ran["BenchmarkWorkers"])
    assert ran["BenchmarkWorkers"].covered


def test_an_environment_variable_read_but_not_checked_is_left_alone() -> None:
    """Near misses: `Home()` reads $HOME and never checks it, `Artifacts()` puts a default in place of an
    unset $ARTIFACTS (etcd's perfdash does): the benchmark leaves the environment as it is. `Output()`
    leaves without $OUTPUT, held in `outDir`: a directory."""
    _, code = plan({"env.go": ENV}, ["GOPATH", "Workers", "Home", "Artifacts", "Output"])
    assert 'b.Setenv("GOPATH", b.TempDir())' in body(code, "BenchmarkGOPATH")
    assert 'b.Setenv("PERF_REVIEW_WORKERS", "1")' in body(code, "BenchmarkWorkers")
    assert "Setenv" not in body(code, "BenchmarkHome")
    assert "Setenv" not in body(code, "BenchmarkArtifacts")
    assert 'b.Setenv("OUTPUT", b.TempDir())' in body(code, "BenchmarkOutput")


def test_a_package_that_does_not_build_as_committed_is_not_counted(ran: dict[str, Run]) -> None:
    """prometheus' web/blob at `all-tests-pass` uses `files`, generated by its Makefile and never committed:
    its 2 generated benchmarks of set 7 counted as failures, though nothing could run there. A package
    whose non-test files do not build is reported apart, not as generated; near miss: a package that
    builds but whose own test file does not still counts as a failure (the test binary is what a user
    runs)."""
    assert ran["BenchmarkLookup"].status == "unbuildable"
    assert ran["BenchmarkJoin"].status == "missing"
    figures = summarise([ran["BenchmarkLookup"], ran["BenchmarkJoin"], ran["BenchmarkGOPATH"]])
    assert figures.generated == 2 and len(figures.failed) == 1 and len(figures.unbuildable) == 1
    assert "1 more in packages that do not build" in figures.summary()


TRANSPORT = """package transport

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
)

func createTestingTransport() *http.Transport {
	dialer := net.Dialer{}
	dialContext := func(ctx context.Context, network, addr string) (net.Conn, error) {
		parts := strings.Split(addr, ":")
		return dialer.DialContext(ctx, network, fmt.Sprintf("127.0.0.1:%s", parts[1]))
	}
	return &http.Transport{DialContext: dialContext}
}

func handlers() []http.HandlerFunc {
	return []http.HandlerFunc{func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, fmt.Sprintf("%s", r.URL.Path))
	}}
}

// Near misses: a literal the function calls, one it hands to a function that calls it.
func called(addr string) string {
	join := func(parts []string) string { return fmt.Sprintf("%s", strings.Join(parts, "-")) }
	return join(strings.Split(addr, ":"))
}

func sorted(names []string) []string {
	sort.Slice(names, func(i, j int) bool { return fmt.Sprintf("%s", names[i]) < names[j] })
	return names
}
"""


def test_a_function_literal_only_stored_in_a_composite_literal_is_skipped() -> None:
    """caddy's `createTestingTransport` (set 7) builds a dial function and stores it in the returned
    http.Transport: the flagged Sprintf runs on a dial, never in the call, and the line was not covered.
    It skips saying so, directly stored or through a local used nowhere else."""
    planned, _ = plan({"transport.go": TRANSPORT}, ["createTestingTransport", "handlers", "called", "sorted"],
                      {"createTestingTransport": [16], "handlers": [23], "called": [29], "sorted": [34]})
    assert (planned["createTestingTransport"].skip_reason or "").startswith(
        "line 16 is in a function literal (line 14) it only stores in a composite literal (dialContext)")
    assert (planned["handlers"].skip_reason or "").startswith("line 23 is in a function literal (line 22)")
    assert planned["called"].skip_reason is None
    assert planned["sorted"].skip_reason is None
