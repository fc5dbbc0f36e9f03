"""The demo's measurement, repeated: `perf-review measure` on the demo change (`make demo`: examples/demo,
base and head) N times, each a fresh process with the default procedure (random code layouts, adaptive
rounds within the budget), and a tally of the verdicts of its three compared functions. The head makes
`Store.Put` (a file written under the lock) and `Render` (quadratic concatenation) slower and only
renames variables in `TotalQuantity`, whose machine code is the same: it must never be called slower or
faster.

    .venv/bin/python benchmarks/measure_demo.py --runs 4 --time-budget 300
    .venv/bin/python benchmarks/measure_demo.py --runs 2 --layouts 1   # one binary per side, as before layouts

Exit status 1 when a run calls TotalQuantity slower or faster, or does not call every size of Store.Put
and Render slower.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.measure_null import measure  # noqa: E402
from examples.build_demo import build  # noqa: E402
from tests.gotool import go_env  # noqa: E402

SLOWER = ("Store.Put", "Render")  # the head's real regressions
SAME = "TotalQuantity"  # the head renames variables only


def compared(doc: dict[str, Any], function: str) -> list[dict[str, Any]]:
    return [b for b in doc["benchmarks"] if b["function"] == function and b["verdict"] != "new"]


def all_slower(benchmarks: list[dict[str, Any]]) -> bool:
    return bool(benchmarks) and all(b["verdict"] == "slower" for b in benchmarks)


def line(doc: dict[str, Any], function: str) -> str:
    parts = []
    for b in compared(doc, function):
        size = b["name"].split("/", 1)[-1]
        delta = f" {b['delta_pct']:+,.1f}%" if b["delta_pct"] is not None else ""
        ci = f" [{b['ci_pct'][0]:+,.1f}, {b['ci_pct'][1]:+,.1f}]" if b["ci_pct"] else ""
        spread = f" ±{b['control_spread_pct']:.1f}" if b.get("control_spread_pct") is not None else ""
        parts.append(f"{size} {b['verdict']}{delta}{ci}{spread}")
    return f"{function}: " + "; ".join(parts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--time-budget", type=float, default=300.0)
    ap.add_argument("--layouts", type=int, help="code layouts per side (default: measure's own)")
    ap.add_argument("--out", type=Path, help="write every run's JSON here")
    args = ap.parse_args()
    repo = build(Path(tempfile.mkdtemp(prefix="measure-demo-")))
    env = {**os.environ, **go_env(ROOT / ".venv" / "go-cache")}
    docs: list[dict[str, Any]] = []
    for i in range(args.runs):
        load = os.getloadavg()[0]
        doc, seconds = measure(repo, "head", args.time_budget, env, args.layouts)
        docs.append(doc)
        run = doc.get("run", {})
        print(f"run {i + 1}/{args.runs}: {seconds:.0f} s, load {load:.1f} → {os.getloadavg()[0]:.1f}, "
              f"{run.get('rounds')} rounds at {run.get('benchtime')}, layouts {run.get('layouts', '-')}, "
              f"stopped: {run.get('stopped')}", flush=True)
        for function in (*SLOWER, SAME):
            print("   " + line(doc, function), flush=True)
    print()
    bad = 0
    for function in (*SLOWER, SAME):
        tally = collections.Counter(b["verdict"] for d in docs for b in compared(d, function))
        runs_all_slower = sum(all_slower(compared(d, function)) for d in docs)
        runs_decided = sum(any(b["verdict"] in ("slower", "faster") for b in compared(d, function)) for d in docs)
        print(f"{function}: benchmark verdicts {dict(tally)}; runs with every size slower: {runs_all_slower}/"
              f"{len(docs)}; runs with a slower/faster verdict: {runs_decided}/{len(docs)}")
        bad += runs_decided if function == SAME else len(docs) - runs_all_slower
    if args.out:
        args.out.write_text(json.dumps(docs, indent=1))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
