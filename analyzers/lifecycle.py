"""Code that runs a bounded few times whatever the load: development code (tests' helpers, examples,
benchmarks, generators, tools) and a component's start-up, configuration and shutdown.

Both are facts of the package, read by the hot-path tiers (such code is cold) and by rules whose
claim depends on other goroutines running at the same time (a lock taken while a store recovers at
start-up contends with nobody).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from analyzers.package import Package
from analyzers.source import FIELD, Call, Func, GoFile

# Directories of development code, as a path component (`interop/`: a protocol's interop test suite).
_DEV_DIRS = frozenset(
    {
        "test", "tests", "testing", "testutil", "testutils", "testhelper", "testhelpers", "testenv",
        "e2e", "example", "examples", "tools", "hack", "bench", "benchmark", "benchmarks", "fuzz", "mock", "mocks",
        "leakcheck", "docs", "interop",
    }
)
# `caddytest`, `apitest`: a package named for testing (not `latest`, `contest`).
_TEST_PACKAGE = re.compile(r"^[a-z0-9]*test$|^test[a-z0-9]+$")
_NOT_TEST = frozenset({"latest", "contest", "protest", "attest"})
# A generator under cmd/: `cmd/protoc-gen-go-grpc`, `cmd/gen-docs`, `cmd/mockgen`, `cmd/stringer-gen`.
_GENERATOR = re.compile(r"(^|[-_])gen([-_]|$)|^gen|gen$")
# Files of test support kept beside production code: test_utils.go, testing.go, fake_server.go.
_DEV_FILE = re.compile(r"^(test|testing|fake|mock)[_a-z0-9]*\.go$|_(mock|mocks|fake)\.go$")
# Packages that write Go source (go/format, go/printer): code generators, run at build time.
_CODEGEN_IMPORTS = frozenset({"go/format", "go/printer"})
# Packages that read Go source (hugo's codegen inspecting method sets with go/parser): build and
# development tools, not code a service runs per request.
_GO_SOURCE_IMPORTS = frozenset({"go/parser", "golang.org/x/tools/go/packages"})
# Test doubles kept beside production code: `MockStore`, `FakeClock`, `storeMock`.
_TEST_DOUBLE_TYPE = re.compile(r"^(Mock|Fake)[A-Z]|^(mock|fake)[A-Z]|[a-z](Mock|Fake)$")

# Configuration packages: `config/`, `caddyconfig/`, `conf/`, `settings/`.
_CONFIG_DIR = re.compile(r"^([a-z0-9]*config|configs?|conf|cfg|settings)$")
CLI_FRAMEWORKS = ("github.com/spf13/cobra", "github.com/urfave/cli", "github.com/alecthomas/kingpin",
                  "gopkg.in/alecthomas/kingpin", "github.com/alecthomas/kong")
# Functions that build test data or fixtures, kept beside production code.
_TEST_SUPPORT_NAME = re.compile(r"(ForTest(ing)?|GenerateTest|^Test[A-Z]|^Fake[A-Z]|^Mock[A-Z])")
# Functions run at start-up, on configuration or at shutdown, by name: an exact name, or a prefix
# followed by an upper-case letter or the end (`loadConfig`, `LoadCertificates`, `cmdRun` for a
# command's entry; not `Load`, which is a cache accessor, nor `loader`).
_LIFECYCLE_EXACT = frozenset(
    {
        "Setup", "Provision", "Validate", "Configure", "Cleanup", "Start", "Stop", "Shutdown",
        "Close", "Reload", "ApplyConfig", "UnmarshalCaddyfile", "Restore", "Recover",
    }
)
_LIFECYCLE_PREFIX = re.compile(
    r"^(init|Init|load|Load|recover|Recover|restore|Restore|setup|Setup|register|Register|provision|"
    r"Provision|validate|Validate|configure|Configure|close|Close|shutdown|Shutdown|stop|Stop|start|"
    r"Start|reload|Reload|apply|Apply|parse|Parse|open|Open|cmd|config)(?=[A-Z_]|$)"
)
# A configuration type's printing and parsing (`ChainConfig.String`, logged at start-up; `SDConfig.
# UnmarshalYAML`): its other methods may run per request (`Config.FilterActionableRules`).
_CONFIG_TYPE = re.compile(r"Config$")
_CONFIG_IO_METHODS = frozenset({"String", "UnmarshalJSON", "UnmarshalYAML", "UnmarshalXML", "UnmarshalText",
                                "MarshalJSON", "MarshalYAML", "MarshalXML"})
# Diagnostics, by name: a database inspection, a graph dump, a debug print (`InspectDatabase`, `toDot`,
# `DumpResources`, `displayTop`, `PrettyPrint`) run when someone asks, not per request.
_DIAGNOSTIC = re.compile(
    r"^(dump|Dump|debug|Debug|inspect|Inspect|display|Display|toDot|ToDot|PrettyPrint)(?=[A-Z_]|$)"
)
# An administrator's API, by the word `admin` in the function's, its receiver's or its file's name
# (minio's `adminAPIHandlers`, caddy's `AdminConfig.newAdminHandler`, `admin-handlers.go`): an operator
# calls it by hand or from a dashboard, not per user request.
_ADMIN_NAME = re.compile(r"(^|[a-z0-9_])(admin|Admin|ADMIN)([A-Z_]|$)")
_ADMIN_FILE = re.compile(r"(^|[-_.])admin([-_.]|$)")
_CONSTRUCTOR = re.compile(r"^(New|new|Must|must)([A-Z_]|$)")
_CONFIG_WORD = re.compile(r"Config|Flags|Options|Opts|Settings|Caddyfile")


def config_code_reason(path: str) -> str | None:
    """Why a file is configuration code (parsed and applied at start-up or reload), or None."""
    for d in path.split("/")[:-1]:
        if _CONFIG_DIR.match(d):
            return f"configuration code ({d}/), runs at load"
    return None


def command_code_reason(files: Iterable[GoFile]) -> str | None:
    """Why a package is a command's code (it runs once per invocation): a `main` package, or one
    that builds commands on a command-line framework."""
    for gf in files:
        if gf.package == "main":
            return "command-line program (package main)"
        framework = next((p for p in gf.imports.values() if p.startswith(CLI_FRAMEWORKS)), None)
        if framework is not None:
            return f"command-line code ({framework.rsplit('/', 1)[-1]} commands)"
    return None


def dev_code_reason(path: str, package: str) -> str | None:
    """Why a file is development code, or None."""
    parts = path.split("/")
    dirs, base = parts[:-1], parts[-1]
    for d in dirs:
        if d in _DEV_DIRS:
            return f"development code ({d}/)"
        if _TEST_PACKAGE.match(d) and d not in _NOT_TEST:
            return f"test support package ({d})"
    if "cmd" in dirs:
        below = dirs[dirs.index("cmd") + 1 :]
        if any(_GENERATOR.search(d) for d in below):
            return "code generator"
    if package.endswith("test") and package not in _NOT_TEST and package != "test":
        return f"test support package ({package})"
    if _DEV_FILE.search(base):
        return f"test support file ({base})"
    return None


def generator_reason(files: Iterable[GoFile]) -> str | None:
    """Why a package is a code generator (it writes Go source, so it runs at build time), or None."""
    for gf in files:
        found = sorted(_CODEGEN_IMPORTS.intersection(gf.imports.values()))
        if found:
            return f"code generator (imports {found[0]})"
        found = sorted(_GO_SOURCE_IMPORTS.intersection(gf.imports.values()))
        if found:
            return f"reads Go source (imports {found[0]}): a build or development tool"
    return None


def test_support_reason(func: Func) -> str | None:
    """Why a function is test support kept beside production code (a test double's method, a
    builder of test data), or None."""
    if func.receiver and _TEST_DOUBLE_TYPE.search(func.receiver):
        return f"method of the test double {func.receiver}"
    if _TEST_SUPPORT_NAME.search(func.name):
        return f"{func.name} builds test data"
    return None


def lifecycle_name(func: Func) -> str | None:
    """Why a function runs at start-up, on configuration or at shutdown, judged by its name."""
    name = func.name
    if func.receiver and _CONFIG_TYPE.search(func.receiver) and name in _CONFIG_IO_METHODS:
        return f"{func.receiver}.{name} prints or parses the configuration, at load"
    if not func.receiver and (name in ("init", "main") or _CONSTRUCTOR.match(name)):
        return f"{name} runs at start-up"
    if _TEST_SUPPORT_NAME.search(name):
        return f"{name} builds test data"
    if _DIAGNOSTIC.match(name):
        return f"{name} prints diagnostics on demand"
    admin = admin_reason(func)
    if admin is not None:
        return admin
    if name in _LIFECYCLE_EXACT:
        return f"{name} runs at start-up or shutdown"
    m = _LIFECYCLE_PREFIX.match(name)
    if m is None:
        return None
    word = m.group(1)
    if name == word and word in ("load", "Load", "register", "Register", "open", "Open", "config"):
        return None  # `Load(key)`, `Register(x)`: accessors and registries used at run time
    if word in ("parse", "Parse", "apply", "Apply") and not _CONFIG_WORD.search(name) \
            and not any(_CONFIG_WORD.search(r.type) for r in func.results):
        return None  # parsers and appliers of data run per request; only configuration (named so, or
        # produced: `parsePHPFastCGI(h) ([]ConfigValue, error)`) is once
    if word in ("open", "Open") and func.receiver:
        return None  # fs.Open-like methods serve requests
    return f"{name} runs at start-up, on configuration or at shutdown"


# A check of whether the caller is an administrator runs on every request: `IsAdmin`, `requireAdmin`,
# `checkAdminAuth`, and any function answering a bool.
_GUARD = re.compile(r"^(is|Is|has|Has|check|Check|require|Require|ensure|Ensure|can|Can|verify|Verify|"
                    r"validate|Validate|auth|Auth)([A-Z_]|$)")


def admin_reason(func: Func) -> str | None:
    """Why func serves an administrator (see _ADMIN_NAME), or None."""
    if _GUARD.match(func.name) or [r.type for r in func.results] == ["bool"]:
        return None
    base = func.file.path.rsplit("/", 1)[-1].removesuffix(".go").lower()
    if _ADMIN_NAME.search(func.name) or (func.receiver and _ADMIN_NAME.search(func.receiver)) \
            or _ADMIN_FILE.search(base):
        return f"{func.qualified_name} serves an administrator's API, at an operator's rate"
    return None


def startup_functions(pkg: Package) -> dict[Func, str]:
    """Functions that run only at start-up, configuration or shutdown: named so (see lifecycle_name),
    or unexported and called only from such functions within the package (an exported function may
    have callers elsewhere, and so may one passed around as a value)."""
    top = [f for f in pkg.funcs if not f.is_literal]
    named: dict[Func, str] = {}
    for f in top:
        reason = lifecycle_name(f)
        if reason is not None:
            named[f] = reason
    return only_called_from(pkg, named)


def only_called_from(pkg: Package, named: dict[Func, str]) -> dict[Func, str]:
    """named, and the unexported functions called only from functions of the result (not passed around
    as values), each with the reason it inherits."""
    if not named:
        return dict(named)
    top = [f for f in pkg.funcs if not f.is_literal]
    callers = _callers(pkg, _candidates(top, named))
    excluded: set[str] = set()
    while True:
        found = _reach(top, named, callers, excluded)
        escaped = referenced_as_values(pkg, {f.name for f in found if f not in named}) - excluded
        if not escaped:
            return found
        excluded |= escaped


def _inherited(reason: str) -> str:
    if "administrator" in reason:
        return "an administrator's API"
    if "failure" in reason:
        return "which runs on a failure"
    return "which runs once"


def _reach(
    top: list[Func], named: dict[Func, str], callers: dict[str, list[Func]], excluded: set[str]
) -> dict[Func, str]:
    found = dict(named)
    changed = True
    while changed:
        changed = False
        for f in top:
            if f in found or not f.name[:1].islower() or f.name in excluded:
                continue
            sites = callers_of(f, callers)
            if sites and all(c in found for c in sites):
                found[f] = f"called only from {sites[0].qualified_name}, {_inherited(found[sites[0]])}"
                changed = True
    return found


def func_key(f: Func) -> str:
    """The key calls of f go by (see call_key)."""
    return f".{f.name}" if f.receiver else f.name


def typed_key(f: Func) -> str:
    """The key of calls known to be calls of f: "T.M" for a method of T, "F" for a function."""
    return f"{f.receiver}.{f.name}" if f.receiver else f.name


def callers_of(f: Func, callers: Mapping[str, list[Func]]) -> list[Func]:
    """f's callers in a table keyed as call_key and receiver_type make them: the calls of its name on a
    receiver of unknown type (any method of the name), then those on a receiver of its own type."""
    sites = callers.get(func_key(f), [])
    return sites + callers.get(typed_key(f), []) if f.receiver else sites


def receiver_type(pkg: Package, call: Call, func: Func) -> str:
    """The type of a method call's receiver, without its `*`, or "" when unknown."""
    fn = call.fn
    operand = fn.child_by_field_id(FIELD.operand) if fn is not None else None
    return pkg.types.type(operand, func).lstrip("*") if operand is not None else ""


def _candidates(top: list[Func], named: dict[Func, str]) -> set[str]:
    """Names of unexported functions reachable by calls from the named ones: the only functions
    whose callers matter (found without a pass over every call of the package)."""
    private = {f.name for f in top if f.name[:1].islower()}
    by_name: dict[str, list[Func]] = {}
    for f in top:
        by_name.setdefault(f.name, []).append(f)
    seen: set[str] = set()
    queue = list(named)
    while queue:
        func = queue.pop()
        for f in (func, *func.closures):
            for name in private.intersection(c.name for c in f.calls if c.name) - seen:
                seen.add(name)
                queue.extend(by_name.get(name, []))
    return seen


def _callers(pkg: Package, names: set[str]) -> dict[str, list[Func]]:
    """Top-level callers, by key, of the given names: "F" for calls F(...); "T.M" for calls x.M(...) on a
    receiver known to be of the package's type T, which has that method (`var m meta; m.decode(b)` calls
    no other type's `decode`); ".M" for the other calls x.M(...), which may call any method of the name."""
    out: dict[str, list[Func]] = {}
    if not names:
        return out
    for func in pkg.funcs:
        caller = func
        while caller.parent is not None:
            caller = caller.parent
        imports = func.file.imports
        # The function's calls filtered by the set: names can run to hundreds, calls per function to tens.
        for call in func.calls:
            key = call_key(call, imports) if call.name in names else None
            if key is None:
                continue
            if key[0] == ".":
                typ = receiver_type(pkg, call, func)
                if typ and typ in pkg.method_owners(call.name):
                    key = typ + key
            out.setdefault(key, []).append(caller)
    return out


def call_key(call: Call, imports: Mapping[str, str]) -> str | None:
    """What a call may name in this package: "F" for F(...), ".M" for x.M(...); None for calls into an
    imported package (strings.Split) or through an expression."""
    fn = call.fn
    if fn is None or not call.name:
        return None
    if fn.type == "identifier":
        return call.name
    if fn.type == "selector_expression" and call.recv not in imports:
        return "." + call.name
    return None


def referenced_as_values(pkg: Package, names: set[str]) -> set[str]:
    """Names used other than as a call's callee or a declaration's name (`mux.HandleFunc("/",
    s.handle)`, `go loop`, `fns := []func(){setup}`): such a function can be called from places the
    package does not show. Comments and string literals do not count: only these unexported names are
    asked about, and Go calls an unexported function by its name from nowhere else (reflection finds
    exported methods only; a log message saying "cannot build" calls nothing). A `//go:linkname`
    directive, which can expose one, counts."""
    if not names:
        return set()
    found: set[str] = set()
    wanted = [(n, n.encode()) for n in sorted(names)]
    for gf in pkg.files:
        present = [n for n, raw in wanted if n not in found and raw in gf.src]
        if present:
            code = _code(gf)
            found.update(n for n in present if _used_as_value(code, n))
    return found


def _code(gf: GoFile) -> str:
    """gf's text with comments and literals blanked (a `//go:linkname` directive kept), cached on it
    (a package asks several times, with different names)."""
    cached = gf.lifecycle_code
    if cached is None:
        cached = gf.lifecycle_code = _NOT_CODE.sub(_blank, gf.src.decode("utf-8", "replace"))
    return cached


def _used_as_value(code: str, name: str) -> bool:
    """Whether the identifier `name` occurs in code not followed by `(` or `[`. The pattern starts with
    the name itself, so the regex engine skips ahead to its occurrences (a pattern for every identifier
    of the file, tried at every position, cost ten times as much); the start of the word is checked here."""
    for m in _value_use(name).finditer(code):
        i = m.start()
        if i == 0 or not (code[i - 1].isalnum() or code[i - 1] == "_"):
            return True
    return False


@lru_cache(maxsize=4096)
def _value_use(name: str) -> re.Pattern[str]:
    # The end of the word, then not a call or an index/instantiation.
    return re.compile(re.escape(name) + r"(?!\w)(?!\s*[(\[])")


def _blank(m: re.Match[str]) -> str:
    found = m.group(0)
    return found.replace("//go:linkname", " ", 1) if found.startswith("//go:linkname") else " "


# Comments, then string, raw string and rune literals, left to right (a quote inside a comment, or `//`
# inside a string, is taken by whichever starts first). Each alternative is linear in its input.
_NOT_CODE = re.compile(r"//[^\n]*|/\*.*?\*/|\"(?:[^\"\\\n]|\\.)*+\"|`[^`]*+`|'(?:[^'\\\n]|\\.)*+'", re.DOTALL)
