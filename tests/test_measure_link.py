"""Fresh code layouts linked without the go command (gorun.build_linkable, gorun.link_many, layouts.link),
with the real toolchain: the directly linked binary runs the same benchmarks in another layout, and a
recipe whose files are gone falls back to `go test -c`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.measure import gorun
from bot.measure.layouts import Seeds, Unit, link
from tests.gotool import go_binary, go_env

SOURCE = """package calc

// Sum adds the numbers.
func Sum(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}
"""
BENCH = """package calc

import "testing"

func BenchmarkSum(b *testing.B) {
	xs := []int{1, 2, 3, 4, 5, 6, 7, 8}
	for i := 0; i < b.N; i++ {
		_ = Sum(xs)
	}
}

func BenchmarkSumTwice(b *testing.B) {
	xs := []int{1, 2, 3}
	for i := 0; i < b.N; i++ {
		_ = Sum(xs) + Sum(xs)
	}
}
"""


@pytest.fixture
def package(tmp_path: Path) -> Path:
    pkg = tmp_path / "calc"
    pkg.mkdir()
    (pkg / "go.mod").write_text("module example.com/calc\n\ngo 1.22\n")
    (pkg / "calc.go").write_text(SOURCE)
    (pkg / "calc_test.go").write_text(BENCH)
    return pkg


@pytest.fixture
def env(go_cache: Path, tmp_path: Path) -> dict[str, str]:
    gotmp = tmp_path / "gotmp"  # where -work leaves its folder (measure puts it in its scratch folder)
    gotmp.mkdir()
    return {**go_env(go_cache), "GOTMPDIR": str(gotmp)}


def _address(binary: Path, env: dict[str, str], symbol: str) -> int:
    out = subprocess.run([go_binary(), "tool", "nm", str(binary)], env=env, capture_output=True, text=True,
                         check=True).stdout
    return next(int(f[0], 16) for f in (ln.split() for ln in out.splitlines()) if len(f) >= 3 and f[2] == symbol)


def test_a_direct_link_gives_a_binary_in_another_layout_that_runs_the_same_benchmarks(
        package: Path, env: dict[str, str], tmp_path: Path) -> None:
    first = tmp_path / "first.test"
    (linker,) = gorun.build_linkable(go_binary(), [(package, first, gorun.layout_flags(1))], env)
    assert isinstance(linker, gorun.Linker), linker
    assert not any(w.startswith("-randlayout") for w in linker.argv) and "-o" not in linker.argv
    binaries = [tmp_path / f"seed{seed}.test" for seed in (2, 3, 4)]
    assert gorun.link_many([(linker, out, seed) for out, seed in zip(binaries, (2, 3, 4), strict=True)],
                           env) == [None, None, None]
    for binary in binaries:
        assert gorun.list_benchmarks(binary, package, env) == ["BenchmarkSum", "BenchmarkSumTwice"]
        out = gorun.run_benchmarks(binary, package, ["BenchmarkSum"], "1x", env, 60)
        assert out.exit_code == 0 and set(out.samples) == {"BenchmarkSum"}
    where = {_address(b, env, "example.com/calc.BenchmarkSum") for b in (first, *binaries)}
    assert len(where) >= 3  # four random orders of a few thousand functions: the benchmark moved
    # The same seed through the go command gives the same layout: the linker alone builds what go test -c does.
    again = tmp_path / "again.test"
    assert gorun.build_many(go_binary(), [(package, again, gorun.layout_flags(3))], env) == [None]
    symbol = "example.com/calc.BenchmarkSum"
    assert _address(again, env, symbol) == _address(binaries[1], env, symbol)


def test_a_trace_without_a_link_command_or_its_files_gives_no_linker(tmp_path: Path) -> None:
    config, archive = tmp_path / "importcfg.link", tmp_path / "_pkg_.a"
    line = (f"GOROOT='/go' /go/pkg/tool/linux_amd64/link -o $WORK/b001/calc.test -importcfg {config} "
            f"-buildmode=exe -randlayout=7 -X testing.testBinary=1 {archive}")
    assert gorun.linker_from_trace("WORK=/tmp/w\n" + line, tmp_path) is None  # its files are not there
    config.write_text("packagefile calc=x\n")
    archive.write_bytes(b"!<arch>\n")
    linker = gorun.linker_from_trace("WORK=/tmp/w\ncd .\n" + line + "\n", tmp_path)
    assert linker is not None and linker.env == (("GOROOT", "/go"),)
    assert linker.command(Path("/o/x.test"), 9) == [
        "/go/pkg/tool/linux_amd64/link", "-o", "/o/x.test", "-importcfg", str(config), "-buildmode=exe",
        "-X", "testing.testBinary=1", "-randlayout=9", str(archive)]
    assert gorun.linker_from_trace(line, tmp_path) is None  # no WORK= line: not a -work trace
    assert gorun.linker_from_trace("WORK=/tmp/w\n/go/pkg/tool/linux_amd64/compile -importcfg x", tmp_path) is None


def test_a_linker_whose_work_folder_is_gone_falls_back_to_go_test_c(package: Path, env: dict[str, str],
                                                                     tmp_path: Path) -> None:
    unit = Unit({}, package, ["BenchmarkSum"], tmp_path / "head")
    (linker,) = gorun.build_linkable(go_binary(), [(package, unit.path(0, 0), gorun.layout_flags(5))], env)
    assert isinstance(linker, gorun.Linker)
    unit.layouts[0] = (unit.path(0, 0),)
    config = Path(linker.argv[linker.argv.index("-importcfg") + 1])
    config.unlink()  # the work folder lost its import map: the linker fails
    unit.linker = linker
    link(go_binary(), env, [(unit, 1), (unit, 2)], Seeds(True))
    assert unit.linker is None
    assert unit.layouts[1] == (unit.path(1, 0),) and unit.layouts[2] == (unit.path(2, 0),)
    for layout in (1, 2):
        assert gorun.list_benchmarks(unit.layouts[layout][0], package, env) == ["BenchmarkSum", "BenchmarkSumTwice"]


def test_a_linked_binary_that_lacks_the_benchmarks_is_not_trusted(package: Path, env: dict[str, str],
                                                                   tmp_path: Path) -> None:
    """The first binary a unit's linker builds must list the unit's benchmarks, else go test -c takes over."""
    unit = Unit({}, package, ["BenchmarkSum", "BenchmarkGone"], tmp_path / "head")
    (linker,) = gorun.build_linkable(go_binary(), [(package, unit.path(0, 0), [])], env)
    assert isinstance(linker, gorun.Linker)
    unit.layouts[0] = (unit.path(0, 0),)
    unit.linker = linker
    link(go_binary(), env, [(unit, 1)], Seeds(True))
    assert unit.linker is None and not unit.checked and unit.layouts[1] == (unit.path(1, 0),)
    unit.names = ["BenchmarkSum"]
    unit.linker = linker
    link(go_binary(), env, [(unit, 2)], Seeds(True))
    assert unit.linker is linker and unit.checked


def test_a_package_that_does_not_build_says_why_without_the_trace(tmp_path: Path, env: dict[str, str]) -> None:
    pkg = tmp_path / "broken"
    pkg.mkdir()
    (pkg / "go.mod").write_text("module example.com/broken\n\ngo 1.22\n")
    (pkg / "b.go").write_text("package broken\n\nfunc F() int { return undefinedName }\n")
    (pkg / "b_test.go").write_text("package broken\n")
    (result,) = gorun.build_linkable(go_binary(), [(pkg, tmp_path / "b.test", [])], env)
    assert isinstance(result, gorun.GoError)
    assert "undefined: undefinedName" in str(result) and "WORK=" not in str(result) and "mkdir" not in str(result)
