"""Snapshots of whole reviews (`perf-review review`) of representative changes, built as small git
repositories. The engine runs for real, pinned to string-concat-loop so that rules landing later do not
change the snapshots. Regenerate deliberately: UPDATE_SNAPSHOTS=1 pytest tests/test_report_snapshots.py
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from bot.cli import main
from tests.test_report import assert_well_formed, headings

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
RULES = "string-concat-loop"
GO_MOD = "module example.com/catalog\n\ngo 1.24\n"

BASE_CATALOG = """package catalog

import "sync"

// Catalog holds product names behind a lock.
type Catalog struct {
	mu    sync.Mutex
	names map[string]string
}

// Name returns the display name of a SKU.
func (c *Catalog) Name(sku string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.names[sku]
}

// Legacy joins names the old way.
func Legacy(names []string) string {
	s := ""
	for _, n := range names {
		s += n + ";"
	}
	return s
}
"""

HEAD_CATALOG = (
    BASE_CATALOG.replace("return c.names[sku]", "if n, ok := c.names[sku]; ok {\n\t\treturn n\n\t}\n\treturn sku")
    .replace('s := ""', 's := "" // kept for old clients')
)

HEAD_LISTING = """package catalog

import "net/http"

// ServeHTTP lists every SKU in the query.
func (c *Catalog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	out := ""
	for _, sku := range r.URL.Query()["sku"] {
		out += c.Name(sku) + "\\n"
	}
	_, _ = w.Write([]byte(out))
}
"""

CASES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    # A handler added with a string built in a loop, a pre-existing finding in a touched function,
    # and a method that takes a lock.
    "concat": (
        {"go.mod": GO_MOD, "catalog.go": BASE_CATALOG},
        {"go.mod": GO_MOD, "catalog.go": HEAD_CATALOG, "listing.go": HEAD_LISTING},
    ),
    # Go changed, nothing to report.
    "clean": (
        {"go.mod": GO_MOD, "catalog.go": BASE_CATALOG},
        {"go.mod": GO_MOD,
         "catalog.go": BASE_CATALOG.replace("return c.names[sku]", "name := c.names[sku]\n\treturn name")},
    ),
    # No Go at all.
    "no-go": ({"README.md": "catalog\n"}, {"README.md": "catalog service\n"}),
    # One new finding: the review stays short.
    "one": (
        {"go.mod": GO_MOD, "catalog.go": BASE_CATALOG.replace('s := ""', "var b strings.Builder").replace(
            's += n + ";"', "b.WriteString(n)\n\t\tb.WriteByte(';')").replace("return s\n}", "return b.String()\n}")
         .replace('import "sync"', 'import (\n\t"strings"\n\t"sync"\n)')},
        {"go.mod": GO_MOD, "catalog.go": BASE_CATALOG},
    ),
}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z"}
    proc = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
         *args], check=True, capture_output=True, text=True, env=env,
    )
    return proc.stdout.strip()


def build_repo(root: Path, base: dict[str, str], head: dict[str, str]) -> Path:
    repo = root / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for files, tag in ((base, "base"), (head, "head")):
        for old in repo.iterdir():
            if old.name != ".git":
                old.unlink()
        for name, content in files.items():
            (repo / name).write_text(content)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "--allow-empty", "-m", tag)
        git(repo, "tag", tag)
    return repo


def normalise(text: str, repo: Path) -> str:
    for tag in ("base", "head"):
        sha = git(repo, "rev-parse", tag)
        text = text.replace(sha, tag.upper()).replace(sha[:12], tag.upper())
    return text


def review_of(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str = "markdown") -> tuple[str, Path]:
    repo = build_repo(tmp_path, *CASES[case])
    # The code's shape alone sets the severities here (the demo shows the measured policy, with a profile).
    code = main(["review", "--repo", str(repo), "--base", "base", "--head", "head", "--rules", RULES, "--format", fmt,
                 "--evidence", "static"])
    assert code == 0
    return normalise(capsys.readouterr().out, repo), repo


@pytest.mark.parametrize("case", sorted(CASES))
def test_review_snapshot(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    markdown, _ = review_of(case, tmp_path, capsys)
    assert_well_formed(markdown)
    snapshot = SNAPSHOTS / f"review-{case}.md"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(markdown)
    assert snapshot.exists(), f"missing {snapshot.name}: run with UPDATE_SNAPSHOTS=1 to create it"
    assert markdown == snapshot.read_text(), f"{snapshot.name} changed: review the diff, then UPDATE_SNAPSHOTS=1"


def test_full_review_has_every_section_and_short_ones_do_not(tmp_path: Path) -> None:
    full = (SNAPSHOTS / "review-concat.md").read_text()
    assert headings(full)[0] == "Summary" and headings(full)[-1] == "Next Steps" and len(headings(full)) == 11
    assert "1 new finding (1 warning), 1 pre-existing" in full and "Pre-existing findings (1)" in full
    assert "BenchmarkCatalog_ServeHTTP" in full and "for b.Loop()" in full
    assert "BenchmarkCatalog_Name" not in full  # no findings there: not in the review's plan
    for case in ("clean", "no-go"):
        assert headings((SNAPSHOTS / f"review-{case}.md").read_text()) == []


def test_lengths_follow_what_there_is_to_say() -> None:
    """Issue 13: one finding fits in 3,000 characters; no findings in a few lines."""
    one = (SNAPSHOTS / "review-one.md").read_text()
    assert len(headings(one)) == 11 and one.count("| 1 |") == 1
    assert len(one) <= 3_000, len(one)
    for case in ("clean", "no-go"):
        assert len((SNAPSHOTS / f"review-{case}.md").read_text().splitlines()) <= 5


def test_json_format_carries_everything_the_app_posts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = review_of("concat", tmp_path, capsys, "json")
    data = json.loads(out)
    assert set(data) == {"title", "markdown", "check_summary", "check_text", "inline", "fixed"}
    assert data["markdown"] == (SNAPSHOTS / "review-concat.md").read_text()
    assert [(n["path"], n["rule"]) for n in data["inline"]] == [("listing.go", "string-concat-loop")]


def test_bad_revision_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = build_repo(tmp_path, *CASES["clean"])
    assert main(["review", "--repo", str(repo), "--base", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("perf-review: ") and "Traceback" not in err
