"""Change mode: touched functions, added/modified, new/pre-existing, files added, deleted, renamed."""

from __future__ import annotations

from pathlib import Path

from analyzers.engine import Options, analyze_change
from bot.localgit import local_change
from tests.gitrepo import Repo

GO_MOD = "module example.com/m\n\ngo 1.22\n"
OLD = """package m

func Join(words []string) string {
	out := ""
	for _, w := range words {
		out += w
	}
	return out
}

func Untouched(words []string) string {
	s := ""
	for _, w := range words {
		s += w
	}
	return s
}
"""
# Same functions shifted down by a new function above them; Join gets a second concatenation.
NEW = """package m

// Added is new in this change.
func Added(ids []string) string {
	acc := ""
	for _, id := range ids {
		acc += id
	}
	return acc
}

func Join(words []string) string {
	out := ""
	for _, w := range words {
		out += w
		out += ","
	}
	return out
}

func Untouched(words []string) string {
	s := ""
	for _, w := range words {
		s += w
	}
	return s
}
"""
ONLY = Options(enabled_rules=frozenset({"string-concat-loop"}))


def analyse(repo: Repo, base: str, head: str = "HEAD") -> tuple:  # type: ignore[type-arg]
    ch = local_change(repo.path, base, head)
    return ch, analyze_change(ch.changes, ch.head, ch.base, ONLY)


def test_touched_functions_and_finding_status(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"go.mod": GO_MOD, "m/a.go": OLD}, tag="base")
    repo.commit({"m/a.go": NEW})
    _, result = analyse(repo, "base")
    funcs = {f.name: f.change for f in result.functions}
    assert funcs == {"Added": "added", "Join": "modified"}, "Untouched only shifted: not touched"
    by_line = {(f.function, f.line): f.status for f in result.findings}
    assert by_line == {("Added", 7): "new", ("Join", 15): "pre-existing", ("Join", 16): "new"}
    assert result.go_versions == {"m": "1.22"}


def test_full_mode_reports_every_function_of_changed_files(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"go.mod": GO_MOD, "m/a.go": OLD}, tag="base")
    repo.commit({"m/a.go": NEW})
    ch = local_change(repo.path, "base")
    result = analyze_change(ch.changes, ch.head, ch.base, Options(enabled_rules=ONLY.enabled_rules, full=True))
    assert {f.name: f.change for f in result.functions} == {"Added": "added", "Join": "modified", "Untouched": None}


def test_added_deleted_renamed_and_non_go_files(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"go.mod": GO_MOD, "m/a.go": OLD, "m/gone.go": "package m\n\nfunc Gone() {}\n",
                 "README.md": "x\n"}, tag="base")
    repo.git("mv", "m/a.go", "m/renamed.go")
    repo.commit({"m/gone.go": None, "m/new.go": "package m\n\nfunc Fresh() {}\n", "README.md": "y\n"})
    _, result = analyse(repo, "base")
    assert {(s.file, s.reason) for s in result.skipped} == {("m/gone.go", "deleted in this change")}
    assert {f.name: f.change for f in result.functions} == {"Fresh": "added"}, "a pure rename touches nothing"
    assert result.findings == []


def test_renamed_and_edited_keeps_pre_existing_status(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"go.mod": GO_MOD, "m/a.go": OLD}, tag="base")
    repo.git("mv", "m/a.go", "m/b.go")
    repo.commit({"m/b.go": OLD.replace("out := \"\"", "out := \"\" // reset")})
    _, result = analyse(repo, "base")
    assert [(f.function, f.status) for f in result.findings] == [("Join", "pre-existing")]
    assert result.findings[0].file == "m/b.go"


def test_change_without_go_is_empty(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"README.md": "a\n"}, tag="base")
    repo.commit({"README.md": "b\n"})
    _, result = analyse(repo, "base")
    assert result.findings == [] and result.functions == [] and result.files == []


def test_test_files_are_skipped_but_read_for_benchmark_references(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"go.mod": GO_MOD, "m/a.go": "package m\n\nfunc Cheap(s string) int { return len(s) }\n"}, tag="base")
    repo.commit({"m/a.go": "package m\n\nfunc Cheap(s string) int { return len(s) + 1 }\n",
                 "m/a_test.go": "package m\n\nimport \"testing\"\n\nfunc BenchmarkCheap(b *testing.B) {\n"
                                "\tfor i := 0; i < b.N; i++ {\n\t\tCheap(\"x\")\n\t}\n}\n"})
    _, result = analyse(repo, "base")
    assert any(s.file == "m/a_test.go" and "test file" in s.reason for s in result.skipped)
    (fn,) = result.functions
    assert fn.hot_path == "hot" and fn.hot_reasons == ["exercised by BenchmarkCheap"]


SEARCH_OLD = """package m

import "slices"

func Common(xs, ys []string, banned []string) []string {
	var out []string
	for _, x := range xs {
		for _, y := range ys {
			if x == y {
				out = append(out, x)
				break
			}
		}
		if slices.Contains(banned, x) && len(x) > 0 {
			out = out[:len(out)-1]
		}
	}
	return out
}
"""


def test_status_follows_the_flagged_construct_not_its_line(tmp_path: Path) -> None:
    """Rewriting an unrelated expression on a finding's line, or a statement inside the loop a
    finding is about, leaves the finding pre-existing; changing the construct makes it new."""
    repo = Repo(tmp_path / "r")
    repo.commit({"go.mod": GO_MOD, "m/a.go": SEARCH_OLD}, tag="base")
    edited = SEARCH_OLD.replace("len(x) > 0", "x != \"\"").replace("out = append(out, x)", "out = append(out, y)")
    repo.commit({"m/a.go": edited}, tag="edited")
    repo.commit({"m/a.go": edited.replace("slices.Contains(banned, x)", "slices.Contains(allowed, x)")
                 .replace("banned []string", "allowed []string")})
    rules = Options(enabled_rules=frozenset({"linear-search-in-loop"}))
    ch = local_change(repo.path, "base", "edited")
    result = analyze_change(ch.changes, ch.head, ch.base, rules)
    assert sorted((f.line, f.status) for f in result.findings) == [(8, "pre-existing"), (14, "pre-existing")]
    ch = local_change(repo.path, "edited", "HEAD")
    result = analyze_change(ch.changes, ch.head, ch.base, rules)
    assert sorted((f.line, f.status) for f in result.findings) == [(8, "pre-existing"), (14, "new")]
