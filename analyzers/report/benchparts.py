"""What every part of a benchmark's builder shares: the output, sizes, local names, the local server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tree_sitter import Node

from analyzers.model import Param
from analyzers.report.benchinputs import DEFAULT_SIZE, Unbuildable, Values
from analyzers.report.benchpaths import Hints
from analyzers.report.benchshapes import Shape
from analyzers.report.benchtests import TestArgs
from analyzers.report.benchvalues import TypeEnv
from analyzers.source import Func, text

_PATH_NAMES = ("path", "file", "filename", "fname", "filepath", "pathname")
_DIR_NAMES = ("dir", "root", "folder", "directory", "base", "basedir", "tmp")
_URL_NAMES = ("url", "u", "endpoint", "uri", "link", "href", "rawurl")
_HOST_NAMES = ("host", "hostname", "domain")


@dataclass
class Built:
    setup: list[str] = field(default_factory=list)
    per_iter: list[str] = field(default_factory=list)  # cheap resets at the top of each iteration
    rebuild: list[str] = field(default_factory=list)  # consumed inputs: rebuilt with the timer stopped
    worker: list[str] = field(default_factory=list)  # per-goroutine state of a parallel benchmark
    call: str = ""
    notes: list[str] = field(default_factory=list)
    unbuilt: list[str] = field(default_factory=list)  # calls building an input: their error skips the run


def _go_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


class BuilderBase:
    """State of one benchmark being built; the parts (receiver, text, arguments) are mixed in."""

    def __init__(self, values: Values, func: Func, hints: Hints, env: TypeEnv, scope_take: object,
                 parallel: bool, test_args: TestArgs | None = None,
                 tests: Callable[[Func], TestArgs | None] | None = None) -> None:
        self.v = values
        self.func = func
        self.hints = hints
        self.env = env
        self.take = scope_take  # Scope.take
        self.parallel = parallel
        self.out = Built()
        self.test_args = test_args
        self.tests = tests  # the arguments the package's tests pass to any function (its constructors')
        self.size = "n" if hints.sized else str(DEFAULT_SIZE)
        self._sources: dict[tuple[str, str], str] = {}
        self.func_env = env
        self._server: str | None = None
        self.building: set[str] = set()  # types whose constructor is being called (no recursion)
        self.constructed_by: Func | None = None  # the constructor that built the receiver, if one did
        self.test_receiver: TestArgs | None = None  # the literal the package's tests call the method on

    def _use_test_imports(self, found: TestArgs) -> bool:
        """Import what a value taken from the package's tests names; False, with nothing imported, when one
        of those packages cannot be."""
        saved = self.v.checkpoint()
        try:
            for q, imp in found.imports.items():
                self.v.use(q, imp)
        except Unbuildable:
            self.v.restore(saved)
            return False
        return True

    # ----- sizes -----

    def size_of(self, path: str, depth: int = 0) -> str:
        other = self.hints.same.get(path)
        if other is not None and depth < 4:
            return self.size_of(other, depth + 1)
        base = "n" if path in self.hints.drivers else str(DEFAULT_SIZE)
        if path in self.hints.indexed and path not in self.hints.drivers:
            base = f"2*{self.size} + 16"
        extra = self.hints.min_len.get(path, 0)
        if extra and base.isdigit():
            return str(int(base) + extra)
        return f"{base} + {extra}" if extra else base

    def _sites(self, kind: str) -> list[Node]:
        out: list[Node] = []
        stack = [self.func]
        while stack:
            f = stack.pop()
            out += [site.node for site in f.sites(kind)]
            stack.extend(f.closures)
        return out

    def server(self) -> str:
        """The benchmark's local HTTP server (one), answering with what the code decodes from it."""
        if self._server is None:
            shape = self.hints.shapes.get("@response.Body", Shape())
            body = self.text_value("@response.Body", shape) if shape.kind or shape.literal else '"ok"'
            self._server = self._var("srv")
            self.out.setup.append(f"{self._server} := {self.v.fixed('perfReviewServer')}(b, {body})")
        return self._server

    def _sent_by_client(self, path: str) -> bool:
        return any(c.name in ("Do", "RoundTrip", "Send") and [text(a) for a in c.args][-1:] == [path]
                   for c in self.func.calls)

    def unbuilt(self, what: str) -> str:
        """The check after a call that builds an input (a constructor, an encoder): its error means this
        input cannot be built, which is no measurement, so the benchmark skips (saying so in its output and,
        in a note, in the plan); a panic in the measured call stays a failure."""
        note = f"Skips at run time if {what} returns an error: no valid input, nothing to measure."
        if note not in self.out.notes:
            self.out.notes.append(note)
            self.out.unbuilt.append(what)
        return f"if err != nil {{\n\t{self.v.fixed('perfReviewUnbuilt')}(b, {_go_string(what)}, err)\n}}"

    def _var(self, want: str) -> str:
        take = self.take
        assert callable(take)
        name = take(want)
        assert isinstance(name, str)
        return name

    # Implemented by the parts; declared here so that each part can call the others.
    def argument(self, p: Param, index: int) -> str:
        raise NotImplementedError

    def named_value(self, p: Param, env: TypeEnv, path: str) -> str:
        raise NotImplementedError

    def text_value(self, path: str, shape: Shape, name: str = "", index: str = "1") -> str:
        raise NotImplementedError


def _nillable(t: str) -> bool:
    return t.startswith(("*", "[]", "map[", "func(", "chan ")) or t in ("error", "any")


def _is_collection(t: str, values: Values) -> bool:
    t = t.strip()
    if t.startswith(("[]", "map[")):
        return True
    under = values.pkg.type_defs.get(t, "")
    return under.startswith(("[]", "map["))
