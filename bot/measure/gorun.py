"""The Go toolchain, as `measure` uses it: find `go`, build a package's test binaries (`go test -c`, one per
code layout: `-ldflags=-randlayout=SEED` shuffles the order of every function in the binary; after the
first, the linker alone, as that build ran it), run
benchmarks in them (`-test.count 1 -test.benchmem`) and parse what they print.

This runs the user's own code on the user's machine, by request; the App never imports this module.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.errors import PerfReviewError, UsageError

log = logging.getLogger(__name__)

NO_GO = ("no Go toolchain: `go` is not on PATH (and --go was not given). Install Go from https://go.dev/dl/ "
         "(in GitHub Actions: the actions/setup-go step before this one), then run again.")
_RESULT = re.compile(r"^(Benchmark\S*+)\s++(\d++)\s++(.*+)$")  # possessive: linear on any line
_FAILED = re.compile(r"^\s*--- (FAIL|SKIP): (Benchmark\S*)")
# What a generated benchmark prints when it skips because its input could not be built (perfReviewUnbuilt
# in analyzers/report/benchhelpers.py): go test shows a benchmark's own skip only with -v.
_UNBUILT = re.compile(r"^perf-review: (Benchmark\S*) skipped: (.*)$")
_SUFFIX = re.compile(r"-(\d+)$")
BUILD_TIMEOUT = 900.0


class GoError(PerfReviewError):
    """A go command failed (a package that does not build, a binary that would not start)."""


@dataclass(frozen=True)
class Sample:
    """One benchmark's figures from one run."""

    ns_per_op: float
    allocs_per_op: int | None = None
    bytes_per_op: int | None = None


@dataclass
class RunOutput:
    samples: dict[str, Sample] = field(default_factory=dict)  # full name (with sub-benchmarks), no -N suffix
    failed: dict[str, str] = field(default_factory=dict)  # top-level name -> why (FAIL, SKIP, panic)
    cpu: str = ""
    exit_code: int = 0
    tail: str = ""  # the last lines, for a failure nobody could attribute


def find_go(explicit: str | None = None) -> str:
    """The go binary: --go when given, else `go` on PATH. Raises UsageError saying how to get one."""
    if explicit:
        path = shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
        if path is None:
            raise UsageError(f"--go {explicit}: no such program. " + NO_GO.split(". ", 1)[1])
        return os.path.abspath(path)
    found = shutil.which("go")
    if found is None:
        raise UsageError(NO_GO)
    return found


def go_facts(go: str, env: Mapping[str, str]) -> tuple[str, str, str]:
    """(GOVERSION, GOOS, GOARCH) of the toolchain."""
    proc = _run([go, "env", "GOVERSION", "GOOS", "GOARCH"], None, env, 120)
    if proc.returncode != 0:
        raise GoError(f"`go env` failed: {_last_line(proc.stderr)}")
    lines = [*proc.stdout.strip().splitlines(), "", "", ""][:3]
    return lines[0], lines[1], lines[2]


def can_randomize_layout(go: str, env: Mapping[str, str]) -> bool:
    """Whether the toolchain's linker has -randlayout (it shuffles the order of functions by a seed)."""
    try:
        proc = _run([go, "tool", "link", "-help"], None, env, 120)
    except (GoError, subprocess.TimeoutExpired):
        return False
    return "-randlayout" in proc.stdout + proc.stderr


def layout_flags(seed: int | None) -> list[str]:
    """`go test` flags for a build in code layout `seed` (None: the linker's own order)."""
    return [] if seed is None else [f"-ldflags=-randlayout={seed}"]


def build_many(go: str, jobs: Sequence[tuple[Path, Path] | tuple[Path, Path, Sequence[str]]], env: Mapping[str, str],
               timeout: float = BUILD_TIMEOUT, parallel: int | None = None) -> list[GoError | None]:
    """`go test -c` for each (package_dir, out[, extra flags]), several at once (a build is mostly one core's
    work); None where it built. On Ctrl-C (or any error) every running build is killed before re-raising."""
    commands = [([go, "test", "-c", *(list(more[0]) if more else []), "-o", str(out), "."], cwd, dict(env))
                for cwd, out, *more in jobs]
    return [_build_error(code, stderr, jobs[i][1], "go test -c")
            for i, (code, stderr) in enumerate(run_many(commands, timeout, parallel))]


def build_linkable(go: str, jobs: Sequence[tuple[Path, Path, Sequence[str]]], env: Mapping[str, str],
                   timeout: float = BUILD_TIMEOUT) -> list[GoError | Linker | None]:
    """build_many with `-x -work`: where the package built, the recipe to link its test binary again in
    another layout (a Linker; None when the go command's output showed none: later layouts then go through
    `go test -c`). A build that failed is built again without -x, for an error message without the echo."""
    commands = [([go, "test", "-c", "-x", "-work", *flags, "-o", str(out), "."], cwd, dict(env))
                for cwd, out, flags in jobs]
    results: list[GoError | Linker | None] = []
    for (cwd, out, flags), (code, stderr) in zip(jobs, run_many(commands, timeout), strict=True):
        if code == 0 and out.is_file():
            results.append(linker_from_trace(stderr, cwd))
        elif code == _TIMED_OUT:
            results.append(_build_error(code, stderr, out, "go test -c"))
        else:
            results.append(build_many(go, [(cwd, out, flags)], env, timeout)[0] or GoError("does not build"))
    return results


@dataclass(frozen=True)
class Linker:
    """How the go command linked a package's test binary (from `go test -c -x -work`): the linker with its
    flags, on the archives and import map that build left in its work folder. Linking in another layout
    then needs no go command, which would first check every package again and copy the binary (a link
    alone costs about half the CPU: 0.43 against 0.93 s for the demo on a busy machine)."""

    argv: tuple[str, ...]  # the link command, with its -o and any -randlayout flag taken out
    env: tuple[tuple[str, str], ...]  # what the go command set for it (GOROOT)
    cwd: Path

    def command(self, out: Path, seed: int | None) -> list[str]:
        layout = [] if seed is None else [f"-randlayout={seed}"]
        return [self.argv[0], "-o", str(out), *self.argv[1:-1], *layout, self.argv[-1]]


def linker_from_trace(trace: str, cwd: Path) -> Linker | None:
    """The link command of a `go test -c -x -work` trace, $WORK resolved; None when there is none, or when
    the files it reads are not there."""
    work = next((ln[5:].strip() for ln in trace.splitlines() if ln.startswith("WORK=")), "")
    for line in reversed(trace.splitlines()):
        if "-importcfg" not in line or not work:
            continue
        try:
            words = [w.replace("$WORK", work) for w in shlex.split(line)]
        except ValueError:
            continue
        env = [tuple(w.split("=", 1)) for w in itertools.takewhile(lambda w: "=" in w and "/" not in w.split("=")[0],
                                                                   words)]
        argv = words[len(env):]
        if not argv or os.path.basename(argv[0]).removesuffix(".exe") != "link" or "-o" not in argv:
            continue
        at = argv.index("-o")
        argv = [w for w in argv[:at] + argv[at + 2:] if not w.startswith("-randlayout")]
        config = argv[argv.index("-importcfg") + 1] if argv.index("-importcfg") + 1 < len(argv) else ""
        if len(argv) < 3 or not Path(config).is_file() or not Path(argv[-1]).is_file():
            return None
        return Linker(tuple(argv), tuple((k, v) for k, v in env), cwd)
    return None


def link_many(jobs: Sequence[tuple[Linker, Path, int | None]], env: Mapping[str, str],
              timeout: float = BUILD_TIMEOUT) -> list[GoError | None]:
    """Each (linker, out, seed) linked, several at once; None where the binary was written."""
    commands = [(linker.command(out, seed), linker.cwd, {**env, **dict(linker.env)}) for linker, out, seed in jobs]
    return [_build_error(code, stderr, jobs[i][1], "link")
            for i, (code, stderr) in enumerate(run_many(commands, timeout))]


_TIMED_OUT = -999


def _build_error(code: int, stderr: str, out: Path, what: str) -> GoError | None:
    if code == 0 and out.is_file():
        return None
    if code == _TIMED_OUT:
        return GoError(f"does not build: {what} did not finish")
    errors = [ln for ln in stderr.splitlines() if ln.strip() and not ln.startswith(("#", "WORK="))]
    return GoError("does not build: " + ("; ".join(errors[:3]) or f"{what} exited {code}"))


def run_many(commands: Sequence[tuple[list[str], Path, dict[str, str]]], timeout: float = BUILD_TIMEOUT,
             parallel: int | None = None) -> list[tuple[int, str]]:
    """Run each (argv, cwd, env), as many at once as there are cores; (exit code, stderr) of each, the exit
    code _TIMED_OUT for one killed at `timeout`. On Ctrl-C (or any error) every running one is killed."""
    results: list[tuple[int, str]] = [(0, "")] * len(commands)
    pending = list(enumerate(commands))
    running: list[tuple[int, subprocess.Popen[bytes], Any, float]] = []
    limit = parallel or max(1, os.cpu_count() or 1)
    try:
        while pending or running:
            while pending and len(running) < limit:
                i, (argv, cwd, env) = pending.pop(0)
                err = tempfile.TemporaryFile()  # noqa: SIM115  (closed when its process ends, or on the way out)
                proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
                running.append((i, proc, err, time.monotonic() + timeout))
            time.sleep(0.01)
            for item in list(running):
                i, proc, err, deadline = item
                if proc.poll() is None and time.monotonic() < deadline:
                    continue
                timed_out = proc.poll() is None
                if timed_out:
                    proc.kill()
                    proc.wait()
                running.remove(item)
                err.seek(0)
                results[i] = (_TIMED_OUT if timed_out else proc.returncode, err.read().decode("utf-8", "replace"))
                err.close()
    except BaseException:
        for _, proc, err, _ in running:
            proc.kill()
            proc.wait()
            err.close()
        raise
    return results


def list_benchmarks(binary: Path, cwd: Path, env: Mapping[str, str]) -> list[str]:
    proc = _run([str(binary), "-test.list", "^Benchmark"], cwd, env, 120)
    return [ln.strip() for ln in proc.stdout.splitlines() if ln.strip().startswith("Benchmark")]


def run_benchmarks(binary: Path, cwd: Path, names: Sequence[str], benchtime: str, env: Mapping[str, str],
                   timeout: float, subs: Sequence[str] | None = None) -> RunOutput:
    """One run (-test.count 1) of the named top-level benchmarks and their sub-benchmarks (only those named
    in `subs`, at the first level below the top, when given)."""
    pattern = "^(" + "|".join(quote_meta(n) for n in names) + ")$"
    if subs:
        pattern += "/^(" + "|".join(quote_meta(n) for n in subs) + ")$"
    args = [str(binary), "-test.run", "^$", "-test.bench", pattern, "-test.benchtime", benchtime,
            "-test.count", "1", "-test.benchmem", "-test.timeout", f"{max(60, int(timeout * 2))}s"]
    try:
        proc = _run(args, cwd, env, timeout)
    except subprocess.TimeoutExpired:
        return RunOutput(failed={n: f"did not finish within {timeout:.0f} s" for n in names}, exit_code=-1)
    out = parse(proc.stdout + "\n" + proc.stderr)
    out.exit_code = proc.returncode
    return out


def sub_filter(full_names: Sequence[str]) -> list[str] | None:
    """The first-level sub-benchmark names that select exactly these benchmarks' results (with the top-level
    pattern); None when one of them is a top-level result itself: a two-level -test.bench pattern would only
    look for its sub-benchmarks and not report it."""
    subs = [n.split("/", 2)[1] for n in full_names if "/" in n]
    if not full_names or len(subs) < len(full_names):
        return None
    return sorted(set(subs))


def quote_meta(name: str) -> str:
    """Go's regexp.QuoteMeta: the name as a literal in a -test.bench pattern (Python's re.escape also escapes
    characters such as a space that Go's regexp refuses to see escaped)."""
    return re.sub(r"([\\.+*?()|\[\]{}^$])", r"\\\1", name)


def parse(text: str) -> RunOutput:
    """`go test -bench` output: result lines, FAIL/SKIP markers, the cpu line."""
    out = RunOutput()
    rows: list[tuple[str, Sample]] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("cpu: "):
            out.cpu = line[5:].strip()
            continue
        failed = _FAILED.match(line)
        if failed:
            detail = next((ln.strip() for ln in lines[i + 1 : i + 6] if ln.strip() and not _FAILED.match(ln)), "")
            name = _strip_suffix(failed.group(2)).split("/", 1)[0]
            out.failed.setdefault(name, f"{'skipped' if failed.group(1) == 'SKIP' else 'failed'}: {detail}"[:300])
            continue
        unbuilt = _UNBUILT.match(line)
        if unbuilt:
            name = _strip_suffix(unbuilt.group(1)).split("/", 1)[0]
            out.failed.setdefault(name, f"skipped: {unbuilt.group(2)}"[:300])
            continue
        m = _RESULT.match(line)
        if m:
            sample = _sample(m.group(3))
            if sample is not None:
                rows.append((m.group(1), sample))
    suffix = _common_suffix([name for name, _ in rows])
    for name, sample in rows:
        out.samples[name[: len(name) - len(suffix)] if suffix else name] = sample
    if "panic:" in text or "fatal error:" in text:
        out.tail = "; ".join(ln.strip() for ln in lines if ln.startswith(("panic:", "fatal error:")))[:300]
    return out


def _sample(metrics: str) -> Sample | None:
    fields = metrics.split()
    values: dict[str, float] = {}
    for value, unit in zip(fields[::2], fields[1::2], strict=False):
        try:
            values[unit] = float(value)
        except ValueError:
            continue
    ns = values.get("ns/op")
    if ns is None or ns <= 0:
        return None
    allocs, nbytes = values.get("allocs/op"), values.get("B/op")
    return Sample(ns, int(allocs) if allocs is not None else None, int(nbytes) if nbytes is not None else None)


def _common_suffix(names: Sequence[str]) -> str:
    """The `-N` (GOMAXPROCS) that go test appends to every name of a run when N > 1."""
    found = {m.group(0) if (m := _SUFFIX.search(n)) else "" for n in names}
    return found.pop() if len(found) == 1 else ""


def _strip_suffix(name: str) -> str:
    return _SUFFIX.sub("", name)


def _last_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else "no output"


def _run(args: list[str], cwd: Path | None, env: Mapping[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    """subprocess.run, which kills the child on any exception (Ctrl-C included) before re-raising."""
    log.debug("running %s", " ".join(args[:6]))
    try:
        return subprocess.run(args, cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=timeout,
                              check=False)
    except OSError as exc:
        raise GoError(f"could not run {os.path.basename(args[0])}: {exc}") from exc
