"""Writes one package's perf_review_bench_test.go: a benchmark per function, in the package itself."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from analyzers.package import Package
from analyzers.source import Func, GoFile, text

SIZES = (10, 100, 1_000)  # 10,000 would make a quadratic function run for minutes
_GOOS = [
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
]
_GOARCH = [
    "386",
    "amd64",
    "arm",
    "arm64",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "ppc64",
    "ppc64le",
    "riscv64",
    "s390x",
    "wasm",
]
_OS, _ARCH = "|".join(_GOOS), "|".join(_GOARCH)
_CONSTRAINED = re.compile(rf"_({_OS})(_({_ARCH}))?\.go$|_({_ARCH})\.go$")
_BUILD_LINE = re.compile(rb"^//(go:build|\s*\+build)\s", re.MULTILINE)
_VERSION = re.compile(r"^v\d+$")
RESERVED_LOCALS = frozenset(
    {
        "b",
        "n",
        "i",
        "pb",
        "err",
        "_",
        "nil",
        "true",
        "false",
        "iota",
        "new",
        "make",
        "len",
        "cap",
        "append",
        "copy",
        "string",
        "any",
    }
)


def go_minor(version: str) -> int | None:
    m = re.match(r"^1\.(\d+)", version)
    return int(m.group(1)) if m else None


def constrained(gf: GoFile) -> bool:
    """True when the file builds only for some platforms or tags: a test could not call into it everywhere."""
    name = gf.path.rsplit("/", 1)[-1]
    head = gf.src[: gf.src.find(b"\npackage ") + 1] if b"\npackage " in gf.src else gf.src[:2048]
    return bool(_CONSTRAINED.search(name) or _BUILD_LINE.search(head) or "C" in gf.imports)


def type_names(pkg: Package) -> tuple[frozenset[str], frozenset[str]]:
    """(every type declared at package level, the generic ones among them)."""
    names: set[str] = set(pkg.structs) | set(pkg.type_defs)
    generic: set[str] = set()
    for gf in pkg.files:
        for node in gf.tree.root_node.named_children:
            if node.type != "type_declaration":
                continue
            for spec in node.named_children:
                if spec.type in ("type_spec", "type_alias"):
                    name = text(spec.child_by_field_name("name"))
                    names.add(name)
                    if spec.child_by_field_name("type_parameters") is not None:
                        generic.add(name)
    return frozenset(names), frozenset(generic)


def file_imports(gf: GoFile) -> dict[str, str]:
    """Local name -> path, plus the usual package names of paths ending in a version or go- prefix."""
    out = dict(gf.imports)
    for path in gf.imports.values():
        parts = path.split("/")
        last = parts[-2] if len(parts) > 1 and _VERSION.match(parts[-1]) else parts[-1]
        for guess in (last, re.sub(r"^go-|[-.]go$|\.v\d+$", "", last), last.replace("-", "")):
            if guess.isidentifier():
                out.setdefault(guess, path)
    return out


class Scope:
    """Local variable names of one benchmark: unique, never shadowing what the code refers to."""

    def __init__(self, reserved: set[str]) -> None:
        self.taken = set(reserved) | RESERVED_LOCALS

    def take(self, want: str) -> str:
        base = want if want.isidentifier() and want != "_" else "arg"
        name, k = base, 1
        while name in self.taken:
            k += 1
            name = f"{base}{k}"
        self.taken.add(name)
        return name


@dataclass
class Bench:
    """One generated benchmark, ready to render."""

    name: str
    func: Func
    setup: list[str]
    call: str
    sinks: list[str] = field(default_factory=list)  # package-level variables taking the results
    per_iter: list[str] = field(default_factory=list)
    rebuild: list[str] = field(default_factory=list)
    worker: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sized: bool = False
    parallel: bool = False
    unbuilt: list[str] = field(default_factory=list)  # calls whose error skips the benchmark at run time


def _indent(lines: list[str], depth: int) -> list[str]:
    out: list[str] = []
    for line in lines:
        for part in line.split("\n"):
            out.append("\t" * depth + part if part else "")
    return out


def go_string(s: str) -> str:
    """A Go interpreted string literal (JSON's escapes are a subset of Go's)."""
    return json.dumps(s)


def where(func: Func) -> str:
    return f"{func.file.path.rsplit('/', 1)[-1]}:{func.start_line}"


def render_skip(name: str, func: Func, reason: str) -> str:
    """A benchmark that says why it measures nothing: it skips, with the reason, instead of timing a path
    the finding is not on."""
    return (
        f"// {name} skips {func.qualified_name} ({where(func)}): {reason}.\n"
        f"func {name}(b *testing.B) {{\n\tb.Skip({go_string('perf-review: ' + reason)})\n}}\n"
    )


def render_bench(bench: Bench, loop_b: bool) -> str:
    """The Go source of one benchmark function."""
    fn = bench.func
    lines = [f"// {bench.name} measures {fn.qualified_name} ({where(fn)}).", *(f"// {n}" for n in bench.notes),
             f"func {bench.name}(b *testing.B) {{"]
    body = _parallel(bench) if bench.parallel else _body(bench, loop_b)
    if bench.sized:
        # perfReviewSized runs the body once per size, guarded and reporting allocations itself.
        body = [ln for ln in body if not ln.startswith(("defer perfReviewGuard(", "b.ReportAllocs()"))]
        lines += [f"\tperfReviewSized(b, {go_string(fn.qualified_name)}, func(b *testing.B, n int) {{",
                  *_indent(body, 2), "\t})"]
    else:
        lines += _indent(body, 1)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _call_line(bench: Bench) -> str:
    return f"{', '.join(bench.sinks)} = {bench.call}" if bench.sinks else bench.call


def _body(bench: Bench, loop_b: bool) -> list[str]:
    what = go_string(bench.func.qualified_name)
    lines = [f"defer perfReviewGuard(b, {what})", *bench.setup, "b.ReportAllocs()"]
    if not loop_b:
        lines.append("b.ResetTimer()")
    lines.append("perfReviewTimed(b)")  # a panic from here on is the measured code's (perfReviewGuard)
    lines.append("for b.Loop() {" if loop_b else "for i := 0; i < b.N; i++ {")
    lines += ["\t" + s for s in bench.per_iter]
    if bench.rebuild:
        lines += ["\tb.StopTimer()", *("\t" + s for s in bench.rebuild), "\tb.StartTimer()"]
    lines += ["\t" + _call_line(bench), "}"]
    return lines


def _parallel(bench: Bench) -> list[str]:
    what = go_string(bench.func.qualified_name)
    lines = [f"defer perfReviewGuard(b, {what})", *bench.setup, "b.ReportAllocs()", "b.ResetTimer()",
             "perfReviewTimed(b)", "b.RunParallel(func(pb *testing.PB) {"]
    inner = [f"defer perfReviewWorkerGuard(b, {what})", *bench.worker, "for pb.Next() {",
             "\t" + (f"{', '.join('_' for _ in bench.sinks)} = {bench.call}" if bench.sinks else bench.call), "}"]
    return lines + _indent(inner, 1) + ["})"]


def file_header(pkg_name: str, pkg_dir: str, names: list[str], existing: list[str] | None = None,
                every_existing: list[str] | None = None) -> str:
    target = "./" + pkg_dir if pkg_dir not in ("", ".") else "."
    own = list(dict.fromkeys(e.split(" ", 1)[0] for e in existing or []))
    own += [n for n in (every_existing or []) if n not in own]
    every = [*own, *(n for n in names if n not in own)]
    pattern = "^(" + "|".join(every) + ")$" if every else "^Benchmark"
    reuse = "".join(f"//\t{e}\n" for e in existing or [])
    if reuse:
        reuse = "// The package's own benchmarks already reach some of the functions, and are selected below:\n" + reuse
    return (
        f"// perf_review_bench_test.go: benchmarks for package {pkg_name}, written by `perf-review benchmarks`.\n"
        + reuse +
        "// Inputs come from what the code checks, the package's constructors and its tests; a benchmark\n"
        "// that no input can drive to its finding says so with b.Skip. Compare base and head:\n"
        "//\n"
        f"//\tgo test -run '^$' -bench '{pattern}' -benchmem -count 10 {target} > new.txt\n"
        "//\tbenchstat old.txt new.txt\n"
    )


def render_file(
    pkg_name: str,
    pkg_dir: str,
    benches: list[str],
    names: list[str],
    imports: dict[str, str],
    helpers: list[str],
    sinks: list[str],
    sized: bool,
    existing: list[str] | None = None,
    every_existing: list[str] | None = None,
) -> str:
    out = [file_header(pkg_name, pkg_dir, names, existing, every_existing), f"package {pkg_name}\n"]
    if imports:
        specs = []
        for local, path in sorted(imports.items(), key=lambda kv: kv[1]):
            default = path.rsplit("/", 1)[-1] == local
            specs.append(f'\t"{path}"' if default else f'\t{local} "{path}"')
        out.append("import (\n" + "\n".join(specs) + "\n)\n")
    if sized:
        out.append(
            "// perfReviewSizes are the sub-benchmark input sizes (n), used where the measured code walks a\n"
            "// collection of n elements: small sizes show fixed costs, large ones the per-element (or, for\n"
            "// nested loops, quadratic) cost.\n"
            f"var perfReviewSizes = []int{{{', '.join(str(s) for s in SIZES)}}}\n"
        )
    if sinks:
        out.append(
            "// Results go to package-level sinks so the compiler cannot optimise the calls away.\n"
            "var (\n" + "\n".join("\t" + s for s in sinks) + "\n)\n"
        )
    out.extend(benches)
    if not benches and existing:
        out.append("// perf-review: every selected function already has a benchmark of the package's own (above).\n")
    elif not benches:
        out.append("// perf-review: no function selected (the package has no hot or warm function).\n")
    out.extend(helpers)
    return "\n".join(out)
