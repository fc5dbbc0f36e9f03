"""The repetition study of issue 12: `perf-review measure` on a change that only renames a variable must
say `unchanged` or `inconclusive`, never `slower` or `faster`, in at least 19 of 20 repetitions.

Each repetition is a fresh `perf-review measure` process with the default adaptive procedure (each side
linked in random code layouts, rounds until every verdict is decided or the budget runs out) on the
fixture module of tests/test_measure_go.py (a strings.Builder loop whose head renames the builder
variable), with the Go toolchain of the test extra. Optionally the same on the slower head, to show the
procedure still finds a real regression.

    .venv/bin/python benchmarks/measure_null.py                 # 20 repetitions, 60 s budget each
    .venv/bin/python benchmarks/measure_null.py --runs 5 --time-budget 30 --slow 2
    .venv/bin/python benchmarks/measure_null.py --layouts 1     # as before layouts: one binary per side
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.gitrepo import Repo  # noqa: E402
from tests.gotool import go_binary, go_env  # noqa: E402
from tests.test_measure_go import BASE, GO_MOD, RENAMED, SLOW  # noqa: E402

EXE = str(Path(sys.executable).parent / "perf-review")


def build_repo(where: Path) -> Path:
    repo = Repo(where / "repo")
    repo.commit({"go.mod": GO_MOD, "calc.go": BASE}, "base", tag="base")
    repo.commit({"calc.go": SLOW}, "slow", tag="slow")
    repo.commit({"calc.go": RENAMED}, "rename", tag="renamed")
    return repo.path


def measure(repo: Path, head: str, budget: float, env: dict[str, str],
            layouts: int | None = None) -> tuple[dict[str, Any], float]:
    start = time.monotonic()
    more = ["--layouts", str(layouts)] if layouts else []
    proc = subprocess.run([EXE, "measure", "--repo", str(repo), "--base", "base", "--head", head, "--go",
                           go_binary(), "--time-budget", str(budget), "--format", "json", *more],
                          env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"measure failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    doc: dict[str, Any] = json.loads(proc.stdout)
    return doc, time.monotonic() - start


def summary(doc: dict[str, Any]) -> str:
    parts = [f"{b['name'].split('/', 1)[-1]} {b['verdict']} {b['delta_pct']:+.1f}% "
             f"[{b['ci_pct'][0]:+.1f}, {b['ci_pct'][1]:+.1f}]" if b["ci_pct"] else
             f"{b['name'].split('/', 1)[-1]} {b['verdict']}" for b in doc["benchmarks"]]
    run = doc.get("run", {})
    spread = doc["control"]["spread_pct"]
    spread_text = f"{spread:.1f}%" if spread is not None else "-"
    return (f"rounds {run.get('rounds')} at {run.get('benchtime')}, layouts {run.get('layouts', '-')}, "
            f"stopped: {run.get('stopped')}, "
            f"control ±{spread_text}: " + "; ".join(parts))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--time-budget", type=float, default=60.0)
    ap.add_argument("--slow", type=int, default=0, help="also measure the slower head this many times")
    ap.add_argument("--layouts", type=int, help="code layouts per side (default: measure's own)")
    ap.add_argument("--out", type=Path, help="write every run's JSON here")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="measure-null-"))
    repo = build_repo(work)
    env = {**os.environ, **go_env(ROOT / ".venv" / "go-cache")}
    results: dict[str, list[dict[str, Any]]] = {"renamed": [], "slow": []}
    for head, runs in (("renamed", args.runs), ("slow", args.slow)):
        for i in range(runs):
            doc, seconds = measure(repo, head, args.time_budget, env, args.layouts)
            results[head].append(doc)
            print(f"{head} {i + 1:2d}/{runs}: {seconds:5.1f} s, load {os.getloadavg()[0]:.1f}  {summary(doc)}",
                  flush=True)
    null = results["renamed"]
    wrong = [d for d in null if any(b["verdict"] in ("slower", "faster") for b in d["benchmarks"])]
    verdicts = collections.Counter(b["verdict"] for d in null for b in d["benchmarks"])
    if null:
        print(f"\nrename only: {len(null) - len(wrong)}/{len(null)} repetitions without a slower/faster verdict "
              f"(benchmark verdicts: {dict(verdicts)}); required: at least 19 of 20")
    if results["slow"]:
        found = sum(any(b["verdict"] == "slower" for b in d["benchmarks"]) for d in results["slow"])
        print(f"slower head: {found}/{len(results['slow'])} repetitions call it slower")
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))
    return 0 if len(wrong) * 20 <= len(null) else 1


if __name__ == "__main__":
    sys.exit(main())
