"""CPU profiles on the analysed code: default.pgo found by `analyze .`, functions matched by full name or
by name and file, profile tiers over the static ones, problems reported while the analysis goes on, and
the review showing the share (change mode, profiles from the base revision only)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from analyzers.engine import Options, analyze_files
from analyzers.hotpath import classify
from analyzers.model import Finding, Result
from analyzers.pprof.decode import CpuProfile, decode_profile
from analyzers.pprof.mapping import PackageRef, ProfileIndex
from analyzers.pprof.tiers import profile_heat
from analyzers.report.benchmarks import load_package
from analyzers.report.context import build_context, ranked
from analyzers.report.profile_notes import summary_note
from bot.cli import main
from bot.repo_config import parse_config
from tests.gitrepo import Repo

DATA = Path(__file__).parent / "data" / "profiles"
APP = DATA / "app"
PGO = APP / "cmd" / "app" / "default.pgo"
LABEL_REASON = "95.0% of CPU samples (cumulative) in cmd/app/default.pgo"


def app_profile(source: str = "cmd/app/default.pgo") -> CpuProfile:
    return decode_profile(PGO.read_bytes(), source)


def module_files(root: Path, prefix: str = "") -> dict[str, bytes | None]:
    return {prefix + p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.suffix == ".go" or p.name == "go.mod"}


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(["analyze", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def by_name(data: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {(f["receiver"] + "." if f["receiver"] else "") + f["name"]: f for f in data["functions"]}


def test_analyze_dot_finds_default_pgo_and_ranks_label_hot(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's done-when: no flags; lib.Label (called only from cmd/app) is hot by the profile and its
    sprintf-simple is a warning; Describe, never run, stays cold and its finding info."""
    monkeypatch.chdir(APP)
    code, data = cli_json(capsys, ".")
    assert code == 1
    funcs = by_name(data)
    label, describe = funcs["Label"], funcs["Describe"]
    assert label["hot_path"] == "hot" and label["hot_reasons"][0] == LABEL_REASON
    assert 0.94 < label["cpu_share"] < 0.96 and 0 < label["cpu_share_flat"] < 0.05
    assert describe["hot_path"] == "cold" and describe["cpu_share"] == 0.0
    findings = {f["function"]: f for f in data["findings"]}
    assert findings["Label"]["severity"] == "warning" and findings["Label"]["rule"] == "sprintf-simple"
    assert findings["Describe"]["severity"] == "info"
    (profile,) = data["profiles"]
    assert profile["source"] == "cmd/app/default.pgo" and profile["matched"] == 8 and profile["unmatched"] == []
    assert data["profile_problems"] == []
    # Without the profile the same code is all static guesswork: Label is cold, its finding info.
    code, plain = cli_json(capsys, ".", "--no-default-pgo")
    assert code == 0 and by_name(plain)["Label"]["hot_path"] == "cold" and by_name(plain)["Label"]["cpu_share"] is None
    assert main(["analyze", "."]) == 1
    text = capsys.readouterr().out
    assert "lib/lib.go:12:9: warning sprintf-simple:" in text and "[hot: 95.0% CPU]" in text
    assert "cmd/app/default.pgo: profile: 178 samples" in text
    assert "hottest analysed functions by CPU profile (cumulative): main 99.2%, run 99.2%, Label 95.0%" in text
    # Analysing only the library still finds the module's default.pgo beside the command that uses it.
    code, lib_only = cli_json(capsys, "lib")
    assert code == 1 and by_name(lib_only)["Label"]["hot_path"] == "hot"
    assert lib_only["profiles"][0]["source"] == "cmd/app/default.pgo"


def test_functions_match_by_receiver_closure_and_main_package() -> None:
    result = analyze_files(module_files(APP), Options(profiles=(app_profile(),)))
    funcs = {f.qualified_name: f for f in result.functions}
    assert funcs["Registry.Register"].cpu_share == pytest.approx(0.0083, abs=1e-4)  # (*Registry).Register
    assert funcs["Registry.Register"].hot_path == "warm"  # under 1%: measured, but not hot
    assert funcs["Registry.Size"].cpu_share == 0.0 and funcs["Registry.Size"].hot_path == "cold"
    assert funcs["run"].cpu_share == pytest.approx(0.9917, abs=1e-4)  # main.run, matched by name and file
    assert funcs["main"].hot_path == "cold"  # its 99% cumulative is the program it starts
    pkg = load_package("lib", module_files(APP, "")) or pytest.fail("no lib package")
    ref = PackageRef("example.com/app/lib", "example.com/app", False, {gf.path: gf.path for gf in pkg.files})
    shares = ProfileIndex([app_profile()]).package_shares(ref, pkg.funcs)
    closure = next(f for f in pkg.funcs if f.is_literal)
    assert closure.qualified_name == "Vowels.func1" and shares.shares[closure].cum == pytest.approx(0.0124, abs=1e-4)
    heat = profile_heat(classify(pkg), shares)
    assert heat[closure].tier == "hot" and heat[closure].reasons[0].startswith("1.2% of CPU samples")


def test_a_moved_module_still_matches_by_name_and_file(tmp_path: Path) -> None:
    """A fork's go.mod names another module path: full names differ, name plus file tail still match."""
    shutil.copytree(APP, tmp_path / "fork")
    (tmp_path / "fork" / "go.mod").write_text("module github.com/someone/fork\n\ngo 1.22\n")
    result = analyze_files(module_files(tmp_path / "fork"), Options(profiles=(app_profile(),)))
    funcs = {f.qualified_name: f for f in result.functions}
    assert funcs["Label"].hot_path == "hot" and funcs["Describe"].hot_path == "cold"
    assert result.profiles[0].warnings == []  # it matched: not "from another module"


def test_profile_functions_the_code_no_longer_has_are_reported(tmp_path: Path) -> None:
    shutil.copytree(APP, tmp_path / "app")
    lib = tmp_path / "app" / "lib" / "lib.go"
    lib.write_text(lib.read_text().replace("func Vowels(", "func CountVowels("))
    result = analyze_files(module_files(tmp_path / "app"), Options(profiles=(app_profile(),)))
    (report,) = result.profiles
    assert report.unmatched == ["example.com/app/lib.Vowels", "example.com/app/lib.Vowels.func1"]
    funcs = {f.qualified_name: f for f in result.functions}
    assert funcs["CountVowels"].cpu_share == 0.0 and funcs["sumBy"].hot_path == "hot"
    assert "match nothing here (renamed or removed since it was recorded?)" in (summary_note(result) or "")


def test_benchmarks_start_with_the_profile_hottest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["benchmarks", str(APP / "lib")]) == 0
    out = capsys.readouterr()
    assert "using CPU profile" in out.err and "default.pgo" in out.err
    names = re.findall(r"^func (Benchmark\w+)", out.out, re.MULTILINE)
    assert names[:3] == ["BenchmarkLabel", "BenchmarkPad", "BenchmarkVowels"] and "BenchmarkDescribe" not in names
    assert main(["benchmarks", str(APP / "lib"), "--no-default-pgo"]) == 0
    assert "BenchmarkLabel" not in capsys.readouterr().out  # by shape alone Label is cold


def test_a_bad_default_pgo_is_a_problem_and_the_analysis_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(APP, tmp_path / "app")
    shutil.copy(DATA / "bad" / "truncated.pprof", tmp_path / "app" / "cmd" / "app" / "default.pgo")
    monkeypatch.chdir(tmp_path / "app")
    code, data = cli_json(capsys, ".", "--profile", str(DATA / "bad" / "heap.pprof"), "--profile", "missing.pprof")
    assert code == 0 and len(data["findings"]) == 2  # static tiers: both findings info
    problems = {p["source"]: p["message"] for p in data["profile_problems"]}
    assert "truncated" in problems["cmd/app/default.pgo"]
    assert "a heap profile" in problems[str(DATA / "bad" / "heap.pprof")]
    assert problems["missing.pprof"] == "no such file"
    assert data["profiles"] == [] and by_name(data)["Label"]["cpu_share"] is None
    main(["analyze", "."])
    assert "cmd/app/default.pgo: profile not used: the gzip stream is truncated" in capsys.readouterr().out


def test_stale_profiles_and_profiles_of_another_module_are_flagged() -> None:
    app = app_profile()
    other = decode_profile((DATA / "wordcount" / "cpu.pprof").read_bytes(), "wordcount.pprof")
    later = app.time_nanos + 120 * 86_400 * 10**9
    result = analyze_files(module_files(APP), Options(profiles=(app, other), now_ns=later))
    stale, foreign = result.profiles
    assert stale.age_days == pytest.approx(120, abs=0.1)
    assert stale.warnings == ["it was recorded 120 days ago (over 90): the code has likely changed since; "
                              "record a fresh one"]
    assert foreign.matched == 0 and foreign.warnings[-1] == ("none of its functions is in example.com/app: it "
                                                             "seems to come from another module")


def test_the_threshold_is_configurable(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(APP)
    _, data = cli_json(capsys, ".", "--profile-threshold", "20")
    funcs = by_name(data)
    assert funcs["Label"]["hot_path"] == "hot"
    assert funcs["pad"]["hot_path"] == "cold"  # 17% < 20%: below the threshold keeps its static cold tier
    assert funcs["pad"]["hot_reasons"][0].startswith("only 17.0% of CPU samples (cumulative)")


def test_findings_rank_by_share_times_cost() -> None:
    def finding(rule: str, share: float | None) -> Finding:
        return Finding(rule, "alloc", "warning", "a.go", 1, 1, 1, "F", "hot", "m", status="new", cpu_share=share)

    cheap_hot = finding("sprintf-simple", 0.9)
    costly_cold = finding("string-concat-loop", 0.001)
    unprofiled = finding("string-concat-loop", None)
    ctx = build_context(Result(findings=[costly_cold, unprofiled, cheap_hot]), None, None)
    assert ranked(ctx, [costly_cold, unprofiled, cheap_hot]) == [cheap_hot, costly_cold, unprofiled]


LIB_HEAD_EXTRA = '''
// Batch is new in the change: nested loops make it hot by shape; the profile predates it.
func Batch(rows [][]string) string {
	out := ""
	for _, row := range rows {
		for _, cell := range row {
			out += cell
		}
	}
	return out
}
'''


def test_review_shows_the_share_and_reads_profiles_from_the_base_only(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    repo = Repo(tmp_path / "repo")
    base_files: dict[str, str | bytes | None] = {k: v for k, v in module_files(APP).items()}
    base_files["cmd/app/default.pgo"] = PGO.read_bytes()
    repo.commit(base_files, "base", tag="base")
    lib = (APP / "lib" / "lib.go").read_text()
    head_lib = lib.replace('import (\n\t"fmt"\n\t"strings"\n)\n', 'import (\n\t"fmt"\n\t"strings"\n)\n'
                           + LIB_HEAD_EXTRA).replace('"-" + pad(name)', '"-" + fmt.Sprintf("%s", pad(name))')
    # The change also swaps in another program's profile: the review must not believe it.
    repo.commit({"lib/lib.go": head_lib, "cmd/app/default.pgo": (DATA / "wordcount" / "cpu.pprof").read_bytes()},
                "head", tag="head")
    assert main(["review", "--repo", str(repo.path), "--base", "base", "--head", "head", "--format", "json"]) == 0
    review = json.loads(capsys.readouterr().out)
    md = review["markdown"]
    assert "**CPU profile:** `cmd/app/default.pgo`" in md and "another module" not in md
    assert "`Label` hot · 95.0% CPU ·" in md or "`Label` hot · 95.0% CPU." in md  # the share says why
    # Two new hot findings: share times estimated cost puts the one in the 95% function first, although a
    # concatenation in a nested loop (Batch, new, no samples yet) costs more per call by the cost model.
    # Label's is a warning, measured; Batch's tier is its shape's guess: info until measured.
    assert re.search(r"^\| 1 \| `Label` lib\.go:\d+ \(hot\) \| `sprintf-simple`", md, re.M)
    assert re.search(r"^\| 2 \| `Batch` lib\.go:\d+ \(unmeasured, hot\) \| `string-concat-loop`", md, re.M)
    assert "1 is info until measured" in md
    plan = md[md.index("### Benchmark Plan"):]
    assert plan.index("BenchmarkLabel") < plan.index("BenchmarkBatch")  # hottest first, though Batch is above
    assert main(["analyze", "--repo", str(repo.path), "--base", "base", "--head", "head", "--format", "json"]) == 1
    funcs = by_name(json.loads(capsys.readouterr().out))
    assert funcs["Batch"]["change"] == "added" and funcs["Batch"]["hot_path"] == "hot"
    assert funcs["Batch"]["cpu_share"] is None and funcs["Batch"]["hot_reasons"] == ["loops nested 2 deep"]


def test_config_keys_for_profiles() -> None:
    config = parse_config("profiles: ['perf/*.pprof']\nprofile_hot_threshold: 2.5\n")
    assert config.profiles == ("perf/*.pprof",) and config.read_profiles and not config.problems
    assert config.options.profile_hot_threshold == pytest.approx(0.025)
    off = parse_config("profiles: false\n")
    assert not off.read_profiles and off.profiles == () and not off.problems
    bad = parse_config("profiles: 3\nprofile_hot_threshold: 0\n")
    assert bad.read_profiles and bad.profiles == () and bad.options.profile_hot_threshold == pytest.approx(0.01)
    assert [p.where for p in bad.problems] == ["line 1 (profiles)", "line 2 (profile_hot_threshold)"]


def test_config_key_for_the_evidence_policy() -> None:
    assert parse_config("").options.evidence == "measured"
    static = parse_config("evidence: static\n")
    assert static.options.evidence == "static" and not static.problems
    bad = parse_config("evidence: loud\n")
    assert bad.options.evidence == "measured" and [p.where for p in bad.problems] == ["line 1 (evidence)"]


SELF_DEFEATING = """package p

import (
	"fmt"
	"sync"
)

var pool = sync.Pool{New: func() any { return make([]byte, 0, 64) }}

func Each(xss [][]byte) (n int) {
	for _, xs := range xss {
		for range xs {
			buf := pool.Get().([]byte)
			n += len(fmt.Sprintf("%d", n))
			pool.Put(buf[:0])
		}
	}
	return n
}
"""


def test_the_measured_policy_keeps_correctness_and_self_defeating_constructs_as_warnings() -> None:
    """Each is hot by its nested loops alone. The Sprintf's warning needed that guess: info, unmeasured. A
    sync.Pool that allocates a slice header on every Put defeats the pool whatever the frequency: a warning
    either way."""
    rules = frozenset({"sprintf-simple", "sync-pool-non-pointer"})
    by_policy = {}
    for policy in ("measured", "static"):
        result = analyze_files({"p/a.go": SELF_DEFEATING.encode()}, Options(enabled_rules=rules, evidence=policy))
        by_policy[policy] = {(f.rule, f.severity, f.unmeasured) for f in result.findings}
    assert by_policy["measured"] == {("sprintf-simple", "info", True), ("sync-pool-non-pointer", "warning", False)}
    assert by_policy["static"] == {("sprintf-simple", "warning", False), ("sync-pool-non-pointer", "warning", False)}


def test_a_run_split_across_processes_reports_the_profiles_as_one_process_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """With profiles, `--jobs 2` splits the packages too: tiers, shares, the profile report (what matched,
    which profile functions no package claimed) and the problems are those of a single process."""
    shutil.copytree(APP, tmp_path / "app")
    lib = tmp_path / "app" / "lib" / "lib.go"
    lib.write_text(lib.read_text().replace("func Vowels(", "func CountVowels("))  # an unmatched function
    for i in range(20):  # enough packages for two workers
        pkg = tmp_path / "app" / f"extra{i:02d}"
        pkg.mkdir()
        (pkg / "x.go").write_text(f'package extra{i:02d}\n\nimport "fmt"\n\nfunc Name(n int) string {{\n'
                                  f'\treturn fmt.Sprintf("%d", n)\n}}\n')
    monkeypatch.chdir(tmp_path / "app")

    def one_process_only(*_args: object) -> None:
        raise AssertionError("--jobs 2 ran in one process")

    for extra in ([], ["--no-default-pgo"]):  # with a profile; with none that could be read
        outs = []
        for jobs in ("1", "2"):
            if jobs == "2":
                monkeypatch.setattr("bot.parallel.analyze_files", one_process_only)
            code = main(["analyze", ".", "--format", "json", "--jobs", jobs, "--profile", "missing.pprof", *extra])
            outs.append((code, capsys.readouterr().out))
            monkeypatch.undo()
            monkeypatch.chdir(tmp_path / "app")
        assert outs[0] == outs[1]
        data = json.loads(outs[0][1])
        assert [p["source"] for p in data["profile_problems"]] == ["missing.pprof"]
        if not extra:
            (report,) = data["profiles"]
            assert report["unmatched"] == ["example.com/app/lib.Vowels", "example.com/app/lib.Vowels.func1"]
            assert report["matched"] > 0 and by_name(data)["Label"]["hot_path"] == "hot"
