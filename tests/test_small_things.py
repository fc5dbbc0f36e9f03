"""Small things a user trips over (issue 13 §4): syntax-error notes, SARIF paths, every missing setting
named at once, an unreachable Redis at start, unknown benchmark functions."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot.app import create_app
from bot.cli import main
from bot.commands.serve import check_queue
from bot.config import Config
from tests.gitrepo import Repo

SRC = ('package p\n\nfunc Join(xs []string) string {\n\ts := ""\n'
       "\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}\n")


def test_text_output_says_when_a_file_had_syntax_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.go").write_text(SRC + "\nfunc Broken( {\n\treturn }\n}\n")
    (tmp_path / "b.go").write_text(SRC.replace("Join", "Join2"))
    main(["analyze", str(tmp_path), "--rules", "string-concat-loop"])
    out = capsys.readouterr().out.splitlines()
    notes = [line for line in out if "syntax error" in line]
    assert len(notes) == 1 and notes[0].startswith(f"{tmp_path}/a.go: ")
    assert notes[0].endswith("; findings there may be incomplete")


def _sarif_uris(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[list[dict[str, str]], str]:
    main(["analyze", *argv, "--format", "sarif", "--rules", "string-concat-loop"])
    run = json.loads(capsys.readouterr().out)["runs"][0]
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    return locations, run["originalUriBaseIds"]["SRCROOT"]["uri"]


def test_sarif_paths_are_relative_to_the_repository_root_with_repo(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"go.mod": "module x\n\ngo 1.22\n", "svc/p/a.go": "package p\n"}, tag="base")
    repo.commit({"svc/p/a.go": SRC})
    monkeypatch.chdir(tmp_path)  # not the repository: paths still start at its root
    locations, root = _sarif_uris(capsys, "--repo", str(repo.path), "--base", "base")
    assert locations == [{"uri": "svc/p/a.go", "uriBaseId": "SRCROOT"}]
    assert root == repo.path.resolve().as_uri() + "/"


def test_sarif_paths_are_relative_to_the_current_directory_otherwise(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "work" / "p").mkdir(parents=True)
    (tmp_path / "work" / "p" / "a.go").write_text(SRC)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "b.go").write_text(SRC)
    monkeypatch.chdir(tmp_path / "work")
    locations, root = _sarif_uris(capsys, str(tmp_path / "work" / "p"), "../elsewhere")
    assert {"uri": "p/a.go", "uriBaseId": "SRCROOT"} in locations
    assert {"uri": (tmp_path / "elsewhere" / "b.go").resolve().as_uri()} in locations  # outside: absolute
    assert root == (tmp_path / "work").resolve().as_uri() + "/"


def test_serve_names_every_missing_setting_at_once(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("GITHUB_APP_ID", "GITHUB_PRIVATE_KEY", "GITHUB_PRIVATE_KEY_PATH", "GITHUB_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PERF_REVIEW_WORKERS", "0")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    for name in ("GITHUB_APP_ID", "GITHUB_PRIVATE_KEY or GITHUB_PRIVATE_KEY_PATH", "GITHUB_WEBHOOK_SECRET",
                 "PERF_REVIEW_WORKERS"):
        assert name in err, err


def test_unreachable_redis_at_start_warns_and_is_not_ready(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    config = Config(app_id=1, private_key="k", webhook_secret="s", queue="redis://:hunter2@127.0.0.1:1/0",
                    data_dir=tmp_path)
    with caplog.at_level(logging.WARNING, logger="bot.commands.serve"):
        assert check_queue(config) is False
    (record,) = [r for r in caplog.records if r.name == "bot.commands.serve"]
    assert "does not answer" in record.getMessage() and "hunter2" not in record.getMessage()
    response = create_app(config).test_client().get("/readyz")
    assert response.status_code == 503


def test_unknown_benchmark_function_names_the_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pkg = tmp_path / "svc" / "p"
    pkg.mkdir(parents=True)
    (pkg / "a.go").write_text(SRC)
    assert main(["benchmarks", str(pkg), "--functions", "Join,NoSuch"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"perf-review: {pkg}: no function 'NoSuch' in this package"
