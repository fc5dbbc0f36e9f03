"""`perf-review analyze PATH...` inputs: what the go tool skips is skipped, a path with no Go files is
bad input, other packages' types come from the module, vendor/ and the module cache, and the work is
split across processes without changing the output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analyzers.engine import Options, analyze_files
from bot import gosrc
from bot.cli import main

EXE = str(Path(sys.executable).parent / "perf-review")
HOT_CONCAT = ("func Join{n}(xs []string) string {{\n\ts := \"\"\n\tfor _, x := range xs {{\n\t\ts += x\n\t}}\n"
              "\treturn s\n}}\n")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def analyze(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command in this process (no interpreter start-up): exit status, stdout, stderr."""
    status = main(["analyze", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


def write(root: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content)


def test_what_the_go_tool_skips_is_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = "package p\n\n" + HOT_CONCAT.format(n="")
    write(tmp_path, {"go.mod": "module x\n\ngo 1.22\n", "p/a.go": body, "p/_old/a.go": body, "p/.cache/a.go": body,
                     "p/testdata/a.go": body, "p/gen.go": "//go:build ignore\n\n" + body.replace("Join", "Gen")})
    _, out, _ = analyze(capsys, str(tmp_path), "--format", "json", "--rules", "string-concat-loop")
    data = json.loads(out)
    assert [f["file"] for f in data["findings"]] == [f"{tmp_path}/p/a.go"]
    assert data["skipped"] == [{"file": f"{tmp_path}/p/gen.go",
                                "reason": "excluded from every build (//go:build ignore)"}]
    # The App's input is not pruned by a walk: the engine applies the same rule itself.
    result = analyze_files({"p/a.go": body.encode(), "_tools/a.go": body.encode(), ".x/a.go": body.encode()},
                           Options(enabled_rules=frozenset({"string-concat-loop"})))
    assert [f.file for f in result.findings] == ["p/a.go"]
    assert {s.file for s in result.skipped} == {"_tools/a.go", ".x/a.go"}


def test_a_path_without_go_files_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"docs/readme.md": "x", "only/a_test.go": "package only\n", "go.mod": "module x\n"})
    for path, message in (("docs", "no Go files to analyse"), ("only", "no Go files to analyse"),
                          ("go.mod", "not a Go file")):
        status, _, err = analyze(capsys, str(tmp_path / path))
        assert status == 2 and message in err and len(err.splitlines()) == 1, err


def test_types_from_the_module_vendor_and_module_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "m", {
        "go.mod": "module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.org/v v0.1.0\n"
                  "\tgithub.com/Foo/bar v1.2.3\n)\n",
        "b/b.go": "package b\n\ntype Rec struct{ N int }\n",
        "vendor/example.org/v/hashy/h.go": "package hashy\n\nfunc Sum(b []byte) string { return string(b) }\n",
        "a/a.go": 'package a\n\nimport (\n\t"fmt"\n\n\t"example.com/m/b"\n\t"example.org/v/hashy"\n'
                  '\t"github.com/Foo/bar/baz"\n)\n\nfunc F(r b.Rec, p []byte) []string {\n'
                  '\treturn []string{fmt.Sprintf("%d", r.N), fmt.Sprintf("%s", hashy.Sum(p)), '
                  'fmt.Sprintf("%d", baz.New().ID)}\n}\n',
    })
    # The module cache spells upper case as "!" + lower case.
    write(tmp_path / "cache", {"github.com/!foo/bar@v1.2.3/baz/baz.go":
                               "package baz\n\ntype T struct{ ID int64 }\n\nfunc New() *T { return &T{} }\n"})
    monkeypatch.setenv("GOMODCACHE", str(tmp_path / "cache"))
    gosrc.module_cache_dir.cache_clear()
    try:
        _, out, _ = analyze(capsys, str(tmp_path / "m" / "a"), "--format", "json", "--rules", "sprintf-simple")
    finally:
        gosrc.module_cache_dir.cache_clear()
    fixes = sorted(f["message"].rsplit("use ", 1)[1] for f in json.loads(out)["findings"])
    assert fixes == ["hashy.Sum(p)", "strconv.FormatInt(baz.New().ID, 10) (import strconv)",
                     "strconv.Itoa(r.N) (import strconv)"]


def test_jobs_split_the_work_without_changing_the_output(tmp_path: Path) -> None:
    files = {"go.mod": "module x\n\ngo 1.22\n"}
    for i in range(20):
        files[f"p{i:02d}/a.go"] = f"package p{i:02d}\n\n" + HOT_CONCAT.format(n=i)
        files[f"p{i:02d}/a_test.go"] = (f'package p{i:02d}\n\nimport "testing"\n\nfunc BenchmarkJoin(b *testing.B) '
                                        f'{{\n\tJoin{i}(nil)\n}}\n')
    write(tmp_path, files)
    one = run("analyze", ".", "--format", "json", "--jobs", "1", "--evidence", "static", cwd=tmp_path)
    two = run("analyze", ".", "--format", "json", "--jobs", "2", "--evidence", "static", cwd=tmp_path)
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    data = json.loads(one.stdout)
    assert len(data["findings"]) == 20 and all(f["hot_path"] == "hot" for f in data["findings"])
