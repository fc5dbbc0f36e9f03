"""`.github/perf-review.yml` as untrusted input (issue 8 §7, issue 9 §5): every bad file gives located
problems and a usable configuration, at a bounded cost; the review goes on and the check run carries
each problem as an annotation on its line."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot import config_yaml
from bot.config_yaml import MAX_CONFIG_BYTES
from bot.repo_config import CONFIG_PATH, MAX_PROBLEMS, RepoConfig, parse_config
from bot.review import run_review
from tests.github_fake import FakeGitHub
from tests.github_fake.fixtures import AppKey, make_client
from tests.github_fake.fixtures import review_request as request
from tests.github_fake.render_double import render

DEFAULTS = RepoConfig()

# A billion-laughs document of mappings: 8 levels of 8 aliases, under 700 bytes, 8**8 (16 million)
# entries for anything that walks it expanded (the old key-line walk took seconds per level).
ALIAS_BOMB = "a: &a {k0: x, k1: x, k2: x, k3: x, k4: x, k5: x, k6: x, k7: x}\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} {{" + ", ".join(f"k{j}: *{chr(97 + i)}" for j in range(8)) + "}\n"
    for i in range(7)
)


def whole_file_problem(text: str | bytes) -> str:
    config = parse_config(text)
    assert config.present and config.values == DEFAULTS.values, "a refused file must leave every default"
    (problem,) = config.problems
    assert "every setting uses its default" in problem.message
    return problem.message


def test_alias_bomb_is_refused_before_expansion() -> None:
    assert len(ALIAS_BOMB) < 700
    message = whole_file_problem(ALIAS_BOMB)
    assert "alias *a" in message


@pytest.mark.parametrize("text", [
    "a: &a {b: *a}\n",  # recursive: walking it recursed until RecursionError
    "a: &a [*a]\n",
    "base: &b {fail_on: error}\n<<: *b\n",  # a merge key needs an alias too
    "exclude: &e [gen/**]\nhot_paths: *e\n",  # even a harmless-looking one
])
def test_every_alias_is_refused(text: str) -> None:
    assert "alias" in whole_file_problem(text)


def test_without_libyaml_the_same_files_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config_yaml, "_FAST", None)  # PyYAML built without libyaml: the pure-Python loader
    assert "alias *a" in whole_file_problem(ALIAS_BOMB)
    assert "alias" in whole_file_problem("a: &a {b: *a}\n")
    assert "nested more than 16 levels" in whole_file_problem("x: " + "[" * 30_000 + "]" * 30_000)
    assert "not valid YAML" in whole_file_problem(b"\xff\xfe\x00[")
    assert parse_config("exclude: [gen/**]\n").options.exclude == ("gen/**",)


def test_size_cap_depth_cap_and_unreadable_values() -> None:
    assert "limit is 64 KB" in whole_file_problem("#" * (MAX_CONFIG_BYTES + 1))
    assert "nested more than 16 levels" in whole_file_problem("x: " + "[" * 17 + "]" * 17)
    assert "nest" in whole_file_problem("x: " + "[" * 30_000 + "]" * 30_000)  # libyaml may refuse it first
    assert "cannot be read" in whole_file_problem("max_inline_comments: " + "9" * 5_000)
    assert "not valid YAML" in whole_file_problem("fail_on: [error\n")
    assert "must be a mapping" in whole_file_problem("- a\n- b\n")
    assert whole_file_problem(b"\xff\xfe\x00[") != ""


def test_long_lists_are_ignored_as_a_whole_and_the_rest_applies() -> None:
    globs = ", ".join(f'"gen{i}/**"' for i in range(1_000))  # 40,000 would not even fit in 64 KB
    config = parse_config(f"exclude: [{globs}]\nfail_on: error\n")
    assert config.options.exclude == () and config.publish.fail_on == "error"
    (problem,) = config.problems
    assert problem.where == "line 1 (exclude)" and "1,000 items; at most 256" in problem.message


def test_each_bad_value_falls_back_alone_and_is_located() -> None:
    text = (
        "include: ['**/*.go']\n"  # 1 fine
        "exclude: ['gen/**', '[bad', '/abs']\n"  # 2 two bad globs dropped, gen/** kept
        "rules:\n"
        "  disable: [sprintf-simple, no-such-rule]\n"  # 4 unknown id dropped
        "  severity: {lock-in-loop: fatal, nope: error, mutex-copy: error}\n"  # 5 two bad entries
        "  extra: 1\n"  # 6 unknown key
        "fail_on: sometimes\n"  # 7 bad choice
        "max_inline_comments: 500\n"  # 8 out of range
        "drafts: yes\n"  # 9 YAML 1.1 boolean: fine
        "failon: error\n"  # 10 typo
        "drafts: no\n"  # 11 set twice
    )
    config = parse_config(text)
    assert config.options.include == ("**/*.go",) and config.options.exclude == ("gen/**",)
    assert config.options.disabled_rules == {"sprintf-simple"}
    assert dict(config.options.severity_overrides) == {"mutex-copy": "error"}
    assert config.publish.fail_on is None and config.publish.max_inline_comments == 20
    assert config.publish.drafts is False
    lines = [p.line for p in config.problems]
    assert lines == [2, 2, 4, 5, 5, 6, 7, 8, 10, 11]
    by_line = {p.line: p.message for p in config.problems}
    assert "did you mean `fail_on`?" in by_line[10]
    assert "no-such-rule" in by_line[4] and "using the default (20)" in by_line[8]


def test_an_enable_list_of_typos_does_not_switch_every_rule_off() -> None:
    config = parse_config("rules:\n  enable: [nope, nada]\n")
    assert config.options.enabled_rules is None
    assert "using the default (every rule)" in config.problems[-1].message


def test_problem_count_and_message_size_are_bounded() -> None:
    ids = ", ".join(f"no-such-rule-{i}-{'x' * 200}" for i in range(200))
    config = parse_config(f"rules:\n  disable: [{ids}]\n" + "".join(f"k{i}: 1\n" for i in range(100)))
    assert len(config.problems) == MAX_PROBLEMS
    assert "more problems" in config.problems[-1].message
    assert max(len(p.message) for p in config.problems) < 300


def test_problems_are_check_run_annotations_and_the_review_goes_on(
    github_fake: FakeGitHub, app_key: AppKey, github_pr: Callable[..., int]
) -> None:
    config = "fail_on: warning\nexclude: ['[oops']\nrules:\n  disable: [no-such-rule]\nunknown: 1\n"
    go = "package text\n\n//perf-review:hot\n" \
         "func Join(parts []string) string {\n\ts := \"\"\n\tfor _, p := range parts {\n" \
         "\t\ts += p\n\t}\n\treturn s\n}\n"
    n = github_pr({"text/join.go": go}, base={CONFIG_PATH: config})
    outcome = run_review(request(github_fake, n), make_client(github_fake, app_key), render=render)
    assert outcome.status == "published" and outcome.findings == 1
    (run,) = github_fake.check_runs()
    assert run["conclusion"] == "failure"  # fail_on: warning still applies: the valid parts are used
    notes = [a for a in run["_annotations"] if a["path"] == CONFIG_PATH]
    assert [(a["start_line"], a["annotation_level"]) for a in notes] == [(2, "warning"), (4, "warning"), (5, "warning")]
    assert "[oops" in notes[0]["message"] and "no-such-rule" in notes[1]["message"]
    assert any(a["path"] == "text/join.go" for a in run["_annotations"])
