"""A held-out false-alarm draw: warnings from `perf-review analyze TREE --format json` outputs, a seeded
draw per project, and the hand-judged verdicts scored on a (possibly newer) output.

Unlike evaluate.py's sample, this reads outputs already made, so it needs no mirrors: give each
project as `--input OWNER/NAME TREE JSON`, where TREE is the directory that was analysed (file paths
are made relative to it) and JSON is what `perf-review analyze TREE --format json` printed.

    python benchmarks/realworld/heldout_draw.py draw --seed heldout20261203b --per-project 16 \\
        --input gogs/gogs GOGS_TREE gogs.json --input hashicorp/nomad NOMAD_TREE nomad.json
    python benchmarks/realworld/heldout_draw.py score --verdicts benchmarks/realworld/heldout-gogs-nomad.yaml \\
        --seed heldout20261203b --per-project 16 --input ...

The draw keeps the findings of severity warning or error, sorts them per project by
sha256("SEED|PROJECT|FILE|LINE|RULE") in hex and takes the first per-project: a warning that
survives a change of the tool keeps its place, so a later draw overlaps the judged one where it can.
`score` prints, per project and overall, the judged and unjudged drawn warnings and the false alarms
among the judged, also for the first --first warnings of each project (12 by default), per rule, and
lists the unjudged ones so they can be judged and added to the verdict file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from evaluate import draw_key  # the same seeded order as the tuned sample's draw (this script's folder)

SEVERE = ("warning", "error")


@dataclass(frozen=True)
class Input:
    project: str
    tree: Path
    json: Path


def warnings_of(inp: Input) -> list[dict[str, Any]]:
    """The findings of severity warning or error, with file relative to the tree and the project added."""
    result = json.loads(inp.json.read_text())
    out = []
    for f in result["findings"]:
        if f["severity"] not in SEVERE:
            continue
        file = f["file"]
        if os.path.isabs(file):
            file = os.path.relpath(file, inp.tree)
        out.append(dict(f, project=inp.project, file=Path(file).as_posix()))
    return out


def draw(warnings: list[dict[str, Any]], seed: str, per_project: int) -> list[dict[str, Any]]:
    """The first per_project warnings of one project in the seeded order (all of them when fewer)."""
    return sorted(warnings, key=lambda f: draw_key(seed, f))[:per_project]


def key(v: dict[str, Any]) -> tuple[str, str, int, str]:
    return (str(v["project"]), str(v["file"]), int(v["line"]), str(v["rule"]))


def load_verdicts(path: Path) -> dict[tuple[str, str, int, str], dict[str, Any]]:
    data = yaml.safe_load(path.read_text())
    items = data["verdicts"] if isinstance(data, dict) else data
    verdicts: dict[tuple[str, str, int, str], dict[str, Any]] = {}
    for v in items:
        if v["verdict"] not in ("true", "false-alarm", True):
            raise ValueError(f"{key(v)}: verdict must be true or false-alarm, not {v['verdict']!r}")
        if key(v) in verdicts:
            raise ValueError(f"{key(v)}: judged twice")
        verdicts[key(v)] = dict(v, verdict="true" if v["verdict"] is True else v["verdict"])
    return verdicts


@dataclass
class Tally:
    judged: int = 0
    false: int = 0
    unjudged: int = 0

    def add(self, verdict: dict[str, Any] | None) -> None:
        if verdict is None:
            self.unjudged += 1
        else:
            self.judged += 1
            self.false += verdict["verdict"] == "false-alarm"

    def __str__(self) -> str:
        rate = f" = {self.false / self.judged:.2f}" if self.judged else ""
        return f"{self.false}/{self.judged} false{rate}, {self.unjudged} unjudged"


def score(drawn: dict[str, list[dict[str, Any]]], verdicts: dict[tuple[str, str, int, str], dict[str, Any]],
          first: int) -> dict[str, Any]:
    """Tallies of a draw against the verdicts: per project and overall, for the first `first` of each
    project and for the whole draw, and per rule over the whole draw."""
    head: dict[str, Tally] = defaultdict(Tally)
    whole: dict[str, Tally] = defaultdict(Tally)
    rules: dict[str, Tally] = defaultdict(Tally)
    unjudged = []
    for project, picked in drawn.items():
        for i, f in enumerate(picked):
            v = verdicts.get(key(f))
            if i < first:
                head[project].add(v)
                head["all"].add(v)
            whole[project].add(v)
            whole["all"].add(v)
            rules[f["rule"]].add(v)
            if v is None:
                unjudged.append(f)
    return {"first": dict(head), "all": dict(whole), "rules": dict(rules), "unjudged": unjudged}


def code_line(tree: Path, f: dict[str, Any]) -> str:
    try:
        lines = (tree / f["file"]).read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return lines[f["line"] - 1].strip() if 0 < f["line"] <= len(lines) else ""


def parse_inputs(raw: list[list[str]]) -> list[Input]:
    return [Input(project, Path(tree), Path(js)) for project, tree, js in raw]


def drawn_of(args: argparse.Namespace) -> tuple[dict[str, list[dict[str, Any]]], dict[str, int], dict[str, Path]]:
    drawn, totals, trees = {}, {}, {}
    for inp in parse_inputs(args.input):
        warnings = warnings_of(inp)
        totals[inp.project] = len(warnings)
        drawn[inp.project] = draw(warnings, args.seed, args.per_project)
        trees[inp.project] = inp.tree
    return drawn, totals, trees


def cmd_draw(args: argparse.Namespace) -> int:
    drawn, totals, trees = drawn_of(args)
    for project, picked in drawn.items():
        print(f"# {project}: {totals[project]} warnings, {len(picked)} drawn")
        for i, f in enumerate(picked, 1):
            print(f"{i:2} {f['file']}:{f['line']} {f['rule']} [{f['severity']}, {f.get('hot_path', '')}]"
                  f" {f['function']}: {f['message']}\n     {code_line(trees[project], f)}")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    drawn, totals, _ = drawn_of(args)
    s = score(drawn, load_verdicts(args.verdicts), args.first)
    for project in [*drawn, "all"]:
        size = sum(totals.values()) if project == "all" else totals[project]
        head = s["first"].get(project, Tally())
        print(f"{project}: {size} warnings; first {args.first} per project: {head}; "
              f"all drawn: {s['all'].get(project, Tally())}")
    for rule, t in sorted(s["rules"].items()):
        print(f"  {rule:28} {t}")
    for f in s["unjudged"]:
        print(f"- {{project: {f['project']}, file: {f['file']}, line: {f['line']}, rule: {f['rule']},"
              f" verdict: ?, reason: ''}}  # {f['message']}")
    return 1 if s["unjudged"] and args.strict else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (("draw", "print the drawn warnings"), ("score", "score the draw against verdicts")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--seed", required=True, help="the draw's seed (a string)")
        p.add_argument("--per-project", type=int, default=16, help="warnings drawn per project")
        p.add_argument("--input", nargs=3, action="append", required=True, metavar=("PROJECT", "TREE", "JSON"),
                       help="owner/name, the analysed directory, and the analyze --format json output")
        if name == "score":
            p.add_argument("--verdicts", type=Path, required=True, help="YAML list of judged warnings")
            p.add_argument("--first", type=int, default=12, help="also score the first N of each project")
            p.add_argument("--strict", action="store_true", help="exit 1 when a drawn warning has no verdict")
    args = parser.parse_args(argv)
    return cmd_draw(args) if args.command == "draw" else cmd_score(args)


if __name__ == "__main__":
    sys.exit(main())
