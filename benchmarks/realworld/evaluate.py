"""Real-world evaluation: recall on performance-fix commits and a hand-judged false-alarm sample.

The Go sources stay in git mirrors outside the repository; `cases.yaml` beside this script holds
what was classified by reading each fix's diff before the tool ran on it: the sites, the rule that
should flag each one (or why the fix is outside the catalogue), and the verdicts on a random
sample of the warnings the tool reports on the projects' current trees.

Mirrors: one bare clone per project at MIRRORS/<owner>+<name>/repo, e.g.

    git clone --mirror https://github.com/etcd-io/etcd "$MIRRORS/etcd-io+etcd/repo"

given with --mirrors or the PERF_REVIEW_MIRRORS environment variable.

    python benchmarks/realworld/evaluate.py check     # every site's line at FIX^ holds its `match` text
    python benchmarks/realworld/evaluate.py recall    # analyze --repo M --base FIX --head FIX^, per rule
    python benchmarks/realworld/evaluate.py sample    # the seeded sample of warnings, verdicts applied
    python benchmarks/realworld/evaluate.py sample --dump judge.yaml  # drawn warnings without a verdict,
                                                      # each with its message, hot reasons and line
    python benchmarks/realworld/evaluate.py sample --load judge.yaml  # merge the verdicts filled in there
                                                      # into cases.yaml, then score the sample

A fix's parent is the pull request that introduced the slow code; `analyze --base FIX --head FIX^`
reviews exactly that change. A site counts as found when a finding of its rule, at any severity,
lands in its file within LINE_SLACK lines of it; the report also counts the sites found as a warning or
error (not info), which is what a review puts inline and a check run fails on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases.yaml"
LINE_SLACK = 2
FETCH_HINT = "git clone --mirror https://github.com/OWNER/NAME \"$MIRRORS/OWNER+NAME/repo\""


@dataclass(frozen=True)
class Site:
    file: str
    line: int
    rule: str
    match: str
    needs: str = ""  # stdlib-types | cross-package | dependency-types: where the evidence lives
    scope: str = "catalogue"  # catalogue | new (a rule added after the first measurement)
    note: str = ""


@dataclass
class Case:
    project: str
    fix: str
    kind: str
    title: str
    sites: list[Site] = field(default_factory=list)
    out_of_scope: list[str] = field(default_factory=list)


def load_cases(path: Path = CASES) -> tuple[list[Case], dict[str, Any]]:
    data = yaml.safe_load(path.read_text())
    cases = []
    for raw in data["cases"]:
        sites = [Site(**s) for s in raw.get("sites", [])]
        cases.append(Case(raw["project"], str(raw["fix"]), raw["kind"], raw["title"], sites,
                          list(raw.get("out_of_scope", []))))
    return cases, data.get("sample", {})


def mirror_of(mirrors: Path, project: str) -> Path:
    repo = mirrors / project.replace("/", "+") / "repo"
    if not repo.is_dir():
        raise SystemExit(f"no mirror of {project} at {repo}; fetch it with:\n  {FETCH_HINT}")
    return repo


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "--git-dir", str(repo), *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} in {repo}: {proc.stderr.strip()}")
    return proc.stdout


def perf_review(*args: str) -> dict[str, Any]:
    """The CLI, exactly as a user runs it, with JSON out (exit 1 only means findings)."""
    cmd = [sys.executable, "-m", "bot.cli", *args, "--format", "json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=HERE.parent.parent)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


# ---------------------------------------------------------------------------------------- check


def cmd_check(args: argparse.Namespace) -> int:
    cases, _ = load_cases()
    bad = 0
    for case in cases:
        repo = mirror_of(args.mirrors, case.project)
        for site in case.sites:
            lines = git(repo, "show", f"{case.fix}^:{site.file}").splitlines()
            text = lines[site.line - 1] if 0 < site.line <= len(lines) else ""
            if site.match in text:
                continue
            near = [i + 1 for i in range(max(0, site.line - 15), min(len(lines), site.line + 15))
                    if site.match in lines[i]]
            bad += 1
            print(f"{case.project} {case.fix[:10]} {site.file}:{site.line}: {site.match!r} not on the line"
                  f" (found at {near or 'no line nearby'}): {text.strip()!r}")
    total = sum(len(c.sites) for c in cases)
    print(f"{total - bad}/{total} sites verified against FIX^")
    return 1 if bad else 0


# ---------------------------------------------------------------------------------------- recall


def found(site: Site, findings: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The finding of the site's rule at the site, a warning (or error) first."""
    matches = [f for f in findings
               if f["rule"] == site.rule and f["file"] == site.file and abs(f["line"] - site.line) <= LINE_SLACK]
    return max(matches, key=lambda f: (f["severity"] != "info", bool(f.get("unmeasured"))), default=None)


def cmd_recall(args: argparse.Namespace) -> int:
    cases, _ = load_cases()
    per_rule: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[str] = []
    others = 0
    for case in cases:
        if not case.sites or (args.project and case.project != args.project):
            continue
        repo = mirror_of(args.mirrors, case.project)
        result = perf_review("analyze", "--repo", str(repo), "--base", case.fix, "--head", f"{case.fix}^")
        findings = result["findings"]
        hits = 0
        sites: list[str] = []
        for site in case.sites:
            key = site.rule + (" (new)" if site.scope == "new" else "")
            per_rule[key]["sites"] += 1
            per_rule[key]["needs-dependency-types"] += site.needs == "dependency-types"
            f = found(site, findings)
            if f is not None:
                hits += 1
                per_rule[key]["found"] += 1
                per_rule[key]["warned"] += f["severity"] != "info"
                # Info only for want of measurement: a warning under `--evidence static`.
                per_rule[key]["warned-static"] += f["severity"] != "info" or bool(f.get("unmeasured"))
            sites.append(f"  {site.file}:{site.line} {site.rule}: "
                         + (f"{f['severity']}{', unmeasured' if f.get('unmeasured') else ''} "
                            f"({f.get('hot_path') or '?'})" if f is not None else "missed"))
            if f is None:
                misses.append(f"{case.project} {case.fix[:10]} {site.file}:{site.line} {site.rule}"
                              + (f" [needs {site.needs}]" if site.needs else ""))
        others += len(findings)
        if args.verbose:
            print(f"{case.project:24} {case.fix[:10]} {hits}/{len(case.sites)} {case.title[:60]}")
            print("\n".join(sites))
    report_recall(per_rule, misses, others, args.json)
    return 0


def report_recall(per_rule: dict[str, Counter[str]], misses: list[str], findings: int, out: Path | None) -> None:
    print(f"\n{'rule':32} {'found':>5} {'sites':>5} {'recall':>6} {'as warning':>10} {'(static)':>8}")
    totals: Counter[str] = Counter()
    for rule in sorted(per_rule):
        c = per_rule[rule]
        print(f"{rule:32} {c['found']:5} {c['sites']:5} {c['found'] / c['sites']:6.2f} {c['warned']:10} "
              f"{c['warned-static']:8}")
        part = "new" if rule.endswith("(new)") else "catalogue"
        totals[f"{part}-found"] += c["found"]
        totals[f"{part}-warned"] += c["warned"]
        totals[f"{part}-warned-static"] += c["warned-static"]
        totals[f"{part}-sites"] += c["sites"]
        totals[f"{part}-dep"] += c["needs-dependency-types"]
    for part in ("catalogue", "new"):
        sites, hit, dep = totals[f"{part}-sites"], totals[f"{part}-found"], totals[f"{part}-dep"]
        if sites:
            print(f"{part} rules: {hit}/{sites} = {hit / sites:.2f}"
                  f" (without the {dep} sites needing dependency source: {hit}/{sites - dep} = "
                  f"{hit / max(1, sites - dep):.2f}); found as a warning or error, not info: "
                  f"{totals[f'{part}-warned']}/{sites} = {totals[f'{part}-warned'] / sites:.2f} "
                  f"(under --evidence static: {totals[f'{part}-warned-static']}/{sites} = "
                  f"{totals[f'{part}-warned-static'] / sites:.2f})")
    print(f"findings reported across the simulated changes: {findings}")
    print("\nmissed:\n  " + "\n  ".join(misses) if misses else "\nmissed: none")
    if out is not None:
        out.write_text(json.dumps({"per_rule": {r: dict(c) for r, c in per_rule.items()}, "missed": misses}, indent=2))


# ---------------------------------------------------------------------------------------- sample


def extract(repo: Path, rev: str, into: Path) -> Path:
    """The tree of rev in a scratch directory (reused when already there)."""
    target = into / f"{repo.parent.name}-{rev[:12]}"
    if (target / ".complete").exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as tmp:
        # Go files and go.mod only: some mirrors keep large data files out of their object store.
        subprocess.run(["git", "--git-dir", str(repo), "archive", rev, "--", ":(glob)**/*.go", ":(glob)**/go.mod"],
                       stdout=tmp, stderr=subprocess.DEVNULL, check=True)
        tmp.seek(0)
        with tarfile.open(fileobj=tmp) as tar:
            tar.extractall(target, filter="data")
    (target / ".complete").touch()
    return target


def warnings_of(mirrors: Path, project: str, rev: str, work: Path) -> list[dict[str, Any]]:
    tree = extract(mirror_of(mirrors, project), rev, work)
    result = perf_review("analyze", str(tree), "--fail-on", "error")
    reasons = {(fn["file"], fn["receiver"] + "." + fn["name"] if fn["receiver"] else fn["name"]): fn["hot_reasons"]
               for fn in result["functions"]}
    out = []
    for f in result["findings"]:
        if f["severity"] in ("warning", "error"):
            why = reasons.get((f["file"], f["function"]), [])
            f = dict(f, project=project, file=os.path.relpath(f["file"], tree), why=why)
            out.append(f)
    return sorted(out, key=lambda f: (f["file"], f["line"], f["rule"]))


def verdict_key(project: str, file: str, line: int, rule: str) -> str:
    return f"{project} {file}:{line} {rule}"


def draw_key(seed: int | str, f: dict[str, Any]) -> str:
    """A finding's place in the seeded draw: a hash of its location, so a warning that survives a
    change of the tool keeps its place and the before and after samples overlap where they can."""
    raw = f"{seed}|{f['project']}|{f['file']}|{f['line']}|{f['rule']}"
    return hashlib.sha256(raw.encode()).hexdigest()


def draw(sample: dict[str, Any], mirrors: Path, work: Path) -> list[dict[str, Any]]:
    drawn: list[dict[str, Any]] = []
    for project, rev in sample["trees"].items():
        warnings = warnings_of(mirrors, project, rev, work)
        k = min(sample["per_project"], len(warnings))
        picked = sorted(warnings, key=lambda f: draw_key(sample["seed"], f))[:k]
        print(f"{project} @ {rev[:12]}: {len(warnings)} warnings, {k} drawn", file=sys.stderr)
        tree = extract(mirror_of(mirrors, project), rev, work)
        for f in picked:
            lines = (tree / f["file"]).read_text(errors="replace").splitlines()
            f["code"] = lines[f["line"] - 1].strip() if 0 < f["line"] <= len(lines) else ""
        drawn.extend(sorted(picked, key=lambda f: (f["file"], f["line"])))
    return drawn


def verdict_line(v: dict[str, Any]) -> str:
    reason = str(v["reason"]).replace("\\", "\\\\").replace('"', '\\"')
    verdict = str(v["verdict"]).lower()
    return (f"    - {{project: {v['project']}, file: {v['file']}, line: {v['line']}, rule: {v['rule']},"
            f" verdict: {verdict}, reason: \"{reason}\"}}")


def dump(path: Path, drawn: list[dict[str, Any]], verdicts: dict[str, dict[str, Any]]) -> int:
    """The drawn warnings that lack a verdict, as entries to fill in (verdict and reason) and --load."""
    out = ["# Fill in verdict (true | false-alarm, see the definitions in cases.yaml) and a one-line reason",
           "# judged by reading the code; then: evaluate.py sample --load THIS_FILE"]
    n = 0
    for f in drawn:
        if verdict_key(f["project"], f["file"], f["line"], f["rule"]) in verdicts:
            continue
        n += 1
        out.append(f"# {f['function']} [{f['hot_path']}: {'; '.join(f['why'])}] {f['message']}")
        out.append(f"#   {f['code']}")
        out.append(f"- {{project: {f['project']}, file: {f['file']}, line: {f['line']}, rule: {f['rule']},"
                   " verdict: '?', reason: ''}")
    path.write_text("\n".join(out) + "\n")
    print(f"{n} drawn warnings without a verdict written to {path}", file=sys.stderr)
    return n


def load(path: Path, cases: Path = CASES) -> int:
    """Merge the judged entries of path into the verdicts of cases (a judged key is replaced)."""
    new = [v for v in yaml.safe_load(path.read_text()) or []
           if str(v.get("verdict")).lower() in ("true", "false-alarm") and str(v.get("reason", "")).strip()]
    keys = {verdict_key(v["project"], v["file"], v["line"], v["rule"]) for v in new}
    text = cases.read_text().splitlines()
    kept = []
    for line in text:
        if line.startswith("    - {project:"):
            old = yaml.safe_load(line.strip()[2:])
            if verdict_key(old["project"], old["file"], old["line"], old["rule"]) in keys:
                continue
        kept.append(line)
    at = kept.index("cases:")
    while kept[at - 1].strip() == "":
        at -= 1
    kept[at:at] = [verdict_line(v) for v in new]
    cases.write_text("\n".join(kept) + "\n")
    print(f"{len(new)} verdicts merged into {cases}", file=sys.stderr)
    return len(new)


def cmd_sample(args: argparse.Namespace) -> int:
    if args.load is not None:
        load(args.load)
    _, sample = load_cases()
    verdicts = {verdict_key(v["project"], v["file"], v["line"], v["rule"]): v for v in sample.get("verdicts", [])}
    drawn = draw(sample, args.mirrors, args.work)
    if args.dump is not None:
        dump(args.dump, drawn, verdicts)
    per_rule: dict[str, Counter[str]] = defaultdict(Counter)
    unjudged = []
    for f in drawn:
        v = verdicts.get(verdict_key(f["project"], f["file"], f["line"], f["rule"]))
        if args.show:
            shown = f"{str(v['verdict']).lower()}: {v['reason']}" if v is not None else "no verdict"
            why = "; ".join(f["why"])
            print(f"{f['project']} {f['file']}:{f['line']} {f['rule']} [{f['hot_path']}: {why}] {shown}")
        if v is None:
            unjudged.append(f)
            continue
        per_rule[f["rule"]]["judged"] += 1
        per_rule[f["rule"]]["false"] += v["verdict"] == "false-alarm"
    print(f"{'rule':28} {'false':>5} {'judged':>6}")
    for rule in sorted(per_rule):
        c = per_rule[rule]
        print(f"{rule:28} {c['false']:5} {c['judged']:6}")
    judged = sum(c["judged"] for c in per_rule.values())
    false = sum(c["false"] for c in per_rule.values())
    if judged:
        print(f"false alarms: {false}/{judged} = {false / judged:.2f}")
    if unjudged:
        print(f"\n{len(unjudged)} drawn warnings have no verdict yet (add them to sample.verdicts):")
        for f in unjudged:
            print(f"- {{project: {f['project']}, file: {f['file']}, line: {f['line']}, rule: {f['rule']},"
                  f" verdict: ?, reason: ''}}  # {f['message']}")
    return 1 if unjudged and args.strict else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirrors", type=Path, default=os.environ.get("PERF_REVIEW_MIRRORS"),
                        help="directory of <owner>+<name>/repo git mirrors (env PERF_REVIEW_MIRRORS)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="verify every site's line at the fix's parent")
    recall = sub.add_parser("recall", help="run the tool on each simulated change and score the sites")
    recall.add_argument("--project", help="only this project (owner/name)")
    recall.add_argument("--json", type=Path, help="also write the per-rule figures here")
    recall.add_argument("-v", "--verbose", action="store_true", help="one line per case")
    smp = sub.add_parser("sample", help="draw the seeded sample of warnings and apply the recorded verdicts")
    smp.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "perf-review-realworld",
                     help="where the projects' trees are extracted")
    smp.add_argument("--strict", action="store_true", help="exit 1 when a drawn warning has no verdict")
    smp.add_argument("--show", action="store_true", help="print every drawn warning with its verdict")
    smp.add_argument("--dump", type=Path, help="write the drawn warnings without a verdict here, to judge")
    smp.add_argument("--load", type=Path, help="merge the verdicts filled in this file into cases.yaml first")
    args = parser.parse_args(argv)
    if args.mirrors is None:
        parser.error(f"give --mirrors DIR or set PERF_REVIEW_MIRRORS; fetch a mirror with:\n  {FETCH_HINT}")
    handlers = {"check": cmd_check, "recall": cmd_recall, "sample": cmd_sample}
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
