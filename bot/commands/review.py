"""`perf-review review`: the review of a change in a local git repository, exactly as the App posts it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from analyzers.engine import analyze_change
from analyzers.report import Review, render_review
from analyzers.report.plan import review_plan
from analyzers.report.profile_notes import hottest_first
from bot.commands.analyze import (
    add_evidence_arg,
    add_profile_args,
    options_from,
    profiles_for_change,
    with_profiles,
)
from bot.errors import UsageError
from bot.localgit import local_change


def add_parser(sub: Any) -> None:
    p = sub.add_parser("review", help="print the review of a change in a local git repository")
    p.add_argument("--repo", type=Path, required=True, help="a local git repository")
    p.add_argument("--base", required=True, help="base revision (commit, branch or tag)")
    p.add_argument("--head", default="HEAD", help="head revision (default HEAD)")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")
    p.add_argument("--rules", help="comma-separated rule ids to run (default: all)")
    p.add_argument("--disable", help="comma-separated rule ids to skip")
    p.add_argument("--full", action="store_true", help="every function of the changed files")
    add_profile_args(p)
    add_evidence_arg(p)
    p.set_defaults(run=run)


def build_review(repo: Path, base: str, head: str, args: argparse.Namespace) -> Review:
    if not repo.is_dir():
        raise UsageError(f"{repo}: no such directory")
    change = local_change(repo, base, head)
    options = with_profiles(options_from(args), args, profiles_for_change(args, repo, change.base_sha))
    result = analyze_change(change.changes, change.head, change.base, options)
    result.base, result.head = change.base_sha, change.head_sha
    plan = review_plan(result, change.head, order=hottest_first)
    return render_review(result, benchmarks=plan, sources=change.head)


def run(args: argparse.Namespace) -> int:
    review = build_review(args.repo, args.base, args.head, args)
    if args.format == "json":
        sys.stdout.write(json.dumps(review.to_json(), indent=2) + "\n")
    else:
        sys.stdout.write(review.markdown)
    return 0
