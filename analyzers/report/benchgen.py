"""Writes one package's perf_review_bench_test.go: a benchmark per function, in the package itself."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from analyzers.model import Param
from analyzers.package import Package
from analyzers.report.benchvalues import HELPERS, STD_IMPORTS, Arg, TypeEnv, build_arg, zero_literal
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
    name: str
    func: Func
    args: list[Arg]
    call: str
    results: list[Param]
    receiver_setup: list[str] = field(default_factory=list)
    parallel: bool = False

    @property
    def sized(self) -> bool:
        return any(a.sized for a in self.args)


def _indent(lines: list[str], depth: int) -> list[str]:
    out: list[str] = []
    for line in lines:
        for part in line.split("\n"):
            out.append("\t" * depth + part if part else "")
    return out


def render_bench(bench: Bench, loop_b: bool, sinks: list[str]) -> str:
    """The Go source of one benchmark function."""
    fn = bench.func
    where = f"{fn.file.path.rsplit('/', 1)[-1]}:{fn.start_line}"
    lines = [f"// {bench.name} measures {fn.qualified_name} ({where}).", f"func {bench.name}(b *testing.B) {{"]
    body = _body(bench, loop_b, sinks)
    if bench.sized:
        loop = ["for _, n := range perfReviewSizes {", '\tb.Run("n="+strconv.Itoa(n), func(b *testing.B) {']
        lines += _indent(loop, 1)
        lines += _indent(body, 3)
        lines += _indent(["\t})", "}"], 1)
    else:
        lines += _indent(body, 1)
    lines.append("}")
    return "\n".join(lines) + "\n"


def go_string(s: str) -> str:
    """A Go interpreted string literal (JSON's escapes are a subset of Go's)."""
    return json.dumps(s)


def render_skip(name: str, func: Func, reason: str) -> str:
    """A benchmark that says why it measures nothing: it skips, with the reason, instead of timing a path
    the finding is not on."""
    where = f"{func.file.path.rsplit('/', 1)[-1]}:{func.start_line}"
    return (
        f"// {name} skips {func.qualified_name} ({where}): {reason}.\n"
        f"func {name}(b *testing.B) {{\n\tb.Skip({go_string('perf-review: ' + reason)})\n}}\n"
    )


def _guard(what: str, parallel: bool = False) -> list[str]:
    """A panic in the measured code fails this benchmark only, not the whole `go test -bench` run."""
    report = "b.Errorf" if parallel else "b.Fatalf"  # FailNow may not be called from a RunParallel worker
    return [
        "defer func() {",
        "\tif r := recover(); r != nil {",
        f"\t\t{report}({go_string('perf-review: ' + what + ' panicked: %v')}, r)",
        "\t}",
        "}()",
    ]


def _body(bench: Bench, loop_b: bool, sinks: list[str]) -> list[str]:
    shared = [a for a in bench.args if not (bench.parallel and a.per_worker)]
    worker = [a for a in bench.args if bench.parallel and a.per_worker]
    lines = _guard(bench.func.qualified_name) + list(bench.receiver_setup)
    for a in shared:
        lines += a.setup
    lines.append("b.ReportAllocs()")
    if bench.parallel:
        return lines + _parallel(bench, worker, sinks)
    if not loop_b:
        lines.append("b.ResetTimer()")
    lines.append("for b.Loop() {" if loop_b else "for i := 0; i < b.N; i++ {")
    for a in shared:
        lines += ["\t" + s for s in a.per_iter]
    lines.append("\t" + (f"{', '.join(sinks)} = {bench.call}" if sinks else bench.call))
    lines.append("}")
    return lines


def _parallel(bench: Bench, worker: list[Arg], sinks: list[str]) -> list[str]:
    lines = ["b.ResetTimer()", "b.RunParallel(func(pb *testing.PB) {"]
    inner: list[str] = _guard(bench.func.qualified_name, parallel=True)
    for a in worker:
        inner += a.setup
    local = [f"local{i}" for i in range(len(sinks))]
    for name, r in zip(local, bench.results, strict=True):
        inner.append(f"var {name} {r.type}")
    inner.append("for pb.Next() {")
    for a in bench.args:
        inner += ["\t" + s for s in a.per_iter]
    inner.append("\t" + (f"{', '.join(local)} = {bench.call}" if local else bench.call))
    inner.append("}")
    if sinks:
        inner += ["perfReviewMu.Lock()", f"{', '.join(sinks)} = {', '.join(local)}", "perfReviewMu.Unlock()"]
    return lines + _indent(inner, 1) + ["})"]


def build_args(params: list[Param], env: TypeEnv, scope: Scope) -> list[Arg]:
    return [build_arg(p.type, scope.take(p.name or f"arg{i}"), env) for i, p in enumerate(params)]


def constructor_setup(pkg: Package, recv: str, var: str, env: TypeEnv) -> tuple[list[str], set[str]] | None:
    """`var := NewT(...)` when the package has a constructor for the receiver type with simple arguments."""
    wanted = {f"New{recv}", f"new{recv[:1].upper()}{recv[1:]}"}
    for fn in pkg.funcs:
        if fn.is_literal or fn.receiver or fn.name not in wanted or constrained(fn.file):
            continue
        if fn.node.child_by_field_name("type_parameters") is not None:
            continue
        results = [r.type for r in fn.results]
        if not results or results[0] not in (recv, "*" + recv) or results[1:] not in ([], ["error"]):
            continue
        literals = [zero_literal(p.type, env) for p in fn.params]
        if any(lit is None or p.type.startswith("...") for lit, p in zip(literals, fn.params, strict=True)):
            continue
        args = ", ".join(lit[0] for lit in literals if lit is not None)
        std = {s for lit in literals if lit is not None for s in lit[1]}
        todo = " // TODO: realistic constructor arguments" if fn.params else ""
        if len(results) == 2:
            return [f"{var}, err := {fn.name}({args}){todo}", "if err != nil {\n\tb.Fatal(err)\n}"], std
        return [f"{var} := {fn.name}({args}){todo}"], std
    return None


def file_header(pkg_name: str, pkg_dir: str, names: list[str]) -> str:
    target = "./" + pkg_dir if pkg_dir not in ("", ".") else "."
    pattern = "^(" + "|".join(names) + ")$" if names else "^Benchmark"
    return (
        f"// perf_review_bench_test.go: benchmarks for package {pkg_name}, written by `perf-review benchmarks`.\n"
        "// Replace the TODOs with realistic input, then compare base and head:\n"
        "//\n"
        f"//\tgo test -run '^$' -bench '{pattern}' -benchmem -count 10 {target} > new.txt\n"
        "//\tbenchstat old.txt new.txt\n"
    )


def render_file(
    pkg_name: str,
    pkg_dir: str,
    benches: list[str],
    names: list[str],
    skips: list[str],
    imports: dict[str, str],
    helpers: set[str],
    sinks: list[str],
    sized: bool,
    parallel: bool,
) -> str:
    out = [file_header(pkg_name, pkg_dir, names), f"package {pkg_name}\n"]
    if imports:
        specs = []
        for local, path in sorted(imports.items(), key=lambda kv: kv[1]):
            default = STD_IMPORTS.get(local) == path or path.rsplit("/", 1)[-1] == local
            specs.append(f'\t"{path}"' if default else f'\t{local} "{path}"')
        out.append("import (\n" + "\n".join(specs) + "\n)\n")
    if sized:
        out.append(
            "// perfReviewSizes are the sub-benchmark input sizes: small sizes show fixed costs (and where\n"
            "// vectorised library code does not pay off yet), large ones the per-element cost.\n"
            f"var perfReviewSizes = []int{{{', '.join(str(s) for s in SIZES)}}}\n"
        )
    if sinks:
        out.append(
            "// Results go to package-level sinks so the compiler cannot optimise the calls away.\n"
            "var (\n" + "\n".join("\t" + s for s in sinks) + "\n)\n"
        )
    if parallel:
        out.append("// perfReviewMu guards the sinks written by parallel benchmarks.\nvar perfReviewMu sync.Mutex\n")
    out.extend(benches)
    if not benches:
        out.append("// perf-review: no function selected (the package has no hot or warm function).\n")
    out.extend(HELPERS[h][0] for h in sorted(helpers))
    return "\n".join(out)
