"""One generated benchmark's inputs: the receiver (built by the package's constructor, its collections
filled), each argument (shaped by what the code checks, scaled by n when the finding's loop walks it),
the call, and what must be reset or rebuilt between iterations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from analyzers.model import Param
from analyzers.report.benchinputs import DEFAULT_SIZE, Unbuildable, Values
from analyzers.report.benchpaths import Hints
from analyzers.report.benchrecv import adder, receiver_use
from analyzers.report.benchshapes import Shape
from analyzers.report.benchstd import STD_INTERFACES
from analyzers.report.benchtypes import type_node
from analyzers.report.benchvalues import TypeEnv
from analyzers.source import Func, text

_PATH_NAMES = ("path", "file", "filename", "fname", "dst", "src", "target", "out", "output", "input")
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


def _go_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


class BenchBuilder:
    def __init__(self, values: Values, func: Func, hints: Hints, env: TypeEnv, scope_take: object,
                 parallel: bool) -> None:
        self.v = values
        self.func = func
        self.hints = hints
        self.env = env
        self.take = scope_take  # Scope.take
        self.parallel = parallel
        self.out = Built()
        self.size = "n" if hints.sized else str(DEFAULT_SIZE)
        self._sources: dict[tuple[str, str], str] = {}
        self.func_env = env
        self._server: str | None = None

    # ----- sizes -----

    def size_of(self, path: str, depth: int = 0) -> str:
        other = self.hints.same.get(path)
        if other is not None and depth < 4:
            return self.size_of(other, depth + 1)
        base = "n" if path in self.hints.drivers else str(DEFAULT_SIZE)
        if path in self.hints.indexed and path not in self.hints.drivers:
            base = f"2*{self.size} + 16"
        extra = self.hints.min_len.get(path, 0)
        return f"{base} + {extra}" if extra else base

    # ----- receiver -----

    def receiver(self) -> str:
        func = self.func
        assert func.receiver is not None
        t = func.receiver
        var = self._var(func.receiver_name or t[:1].lower())
        under = self.v.pkg.type_defs.get(t, "")
        if under.startswith(("[]", "map[")):
            value = self.v.collection(t, self.size_of(var), self.env)
            if func.pointer_receiver:
                self.out.setup.append(f"{var}Value := {value}")
                value = f"&{var}Value"
        elif func.pointer_receiver:
            value = self._pointer_receiver(t)
        else:
            value = self.v.element(t, "1", self.env, in_bench=True)
        self.out.setup.append(f"{var} := {value}")
        self._populate(var, t)
        return var

    def _pointer_receiver(self, t: str) -> str:
        ctor = self.v.index.constructor(t)
        if ctor is not None and [r.type for r in ctor.results][:1] == ["*" + t]:
            return self._construct(ctor)
        if ctor is not None and [r.type for r in ctor.results][:1] == [t]:
            var = self._var("built")
            self.out.setup.append(f"{var} := {self._construct(ctor)}")
            return "&" + var
        if t in self.v.pkg.structs:
            return self.v.shell(t)
        return self.v.element("*" + t, "1", self.env, in_bench=True)

    def _construct(self, ctor: Func) -> str:
        env = self.v.envs.get(ctor.file.path, self.env)
        args = [self.named_value(p, env, "") for p in ctor.params if not p.type.startswith("...")]
        call = f"{ctor.name}({', '.join(args)})"
        if len(ctor.results) == 1:
            return call
        var = self._var("built")
        self.out.setup += [f"{var}, err := {call}", "if err != nil {\n\tb.Fatal(err)\n}"]
        return var

    def _populate(self, var: str, t: str) -> None:
        struct = self.v.pkg.structs.get(t)
        if struct is None:
            return
        use = receiver_use(self.func, self.v.index)
        types = dict(struct.fields)
        fillable = [f for f in use.reads if f in types and _is_collection(types[f], self.v)]
        fill = [f for f in fillable if f not in use.sends and f not in use.receives]
        env = self.v.envs.get(struct.file, self.env)
        for f in sorted(use.sends | use.receives):
            if f in types:
                self._channel(var, f, types[f], f in use.receives, f in use.sends)
        for f in [*use.reads, *sorted(use.writes - set(use.reads))]:
            if f in types and f not in fill and f not in use.sends and f not in use.receives:
                self._ensure(var, f, types[f], env, use.pools.get(f))
        add = adder(t, set(fill), self.v.index, self.func) if fill else None
        if add is not None:
            self._fill_by(var, add)
        else:
            for f in fill:
                size = self.size_of(f"{var}.{f}") if f"{var}.{f}" in self.hints.drivers else self.size
                self.out.setup.append(f"{var}.{f} = {self.v.collection(types[f], size, env)}")
        for path, shape in self.hints.shapes.items():
            if path.startswith(var + ".") and path.count(".") == 1 and shape.literal is not None \
                    and path.split(".")[1] in types and types[path.split(".")[1]] != "string":
                self.out.setup.append(f"{path} = {shape.literal}")

    def _ensure(self, var: str, name: str, t: str, env: TypeEnv, pooled: str | None) -> None:
        """A field the code uses is never nil: a pointer, func, interface or map left nil by the
        constructor gets a usable value (an empty map); a sync.Pool without New gets one."""
        node = type_node(t)
        if node is None:
            return
        pool = (node.type == "qualified_type" and t.endswith(".Pool")) or (t.endswith(".Pool") and t.startswith("*"))
        saved = self.v.checkpoint()
        try:
            if pool and pooled:
                value = self.v.element(pooled, "1", self.func_env, in_bench=True)
                if t.startswith("*"):
                    self.out.setup.append(f"if {var}.{name} == nil {{\n\t{var}.{name} = "
                                          f"new({self.v.type_text(t[1:], env)})\n}}")
                self.out.setup.append(f"{var}.{name}.New = func() any {{ return {value} }}")
                return
            if node.type == "map_type" or (t in self.v.pkg.type_defs and
                                           self.v.pkg.type_defs[t].startswith("map[")):
                value = f"make({self.v.type_text(t, env)})"
            elif node.type in ("pointer_type", "function_type") or self._std_interface(node, env) \
                    or self.v.facts.interface_methods(t) is not None:
                value = self.v.element(t, "1", env, in_bench=True)
            else:
                return
        except Unbuildable:
            self.v.restore(saved)
            return
        self.out.setup.append(f"if {var}.{name} == nil {{\n\t{var}.{name} = {value}\n}}")

    @staticmethod
    def _std_interface(node: Node, env: TypeEnv) -> bool:
        if node.type != "qualified_type":
            return False
        path = env.resolve(text(node.child_by_field_name("package")))
        return (path or "", text(node.child_by_field_name("name"))) in STD_INTERFACES

    def _fill_by(self, var: str, method: Func) -> None:
        env = self.v.envs.get(method.file.path, self.env)
        args = []
        for p in method.params:
            if p.type.startswith("..."):
                continue
            args.append(self.v.element(p.type, "i", env, in_bench=True))
        self.out.setup.append(f"for i := 0; i < {self.size}; i++ {{\n\t{var}.{method.name}({', '.join(args)})\n}}")

    def _channel(self, var: str, name: str, t: str, receives: bool, sends: bool) -> None:
        """A channel field the code waits on gets a partner goroutine for the benchmark's lifetime."""
        node = type_node(t)
        if node is None or node.type != "channel_type":
            return
        elem = text(node.child_by_field_name("value"))
        written = self.v.type_text(elem, self.v.envs.get("", self.env) or self.env)
        value = self.v.element(elem, "i", self.env)
        stop = self._var("stop")
        lines = [f"{var}.{name} = make(chan {written}, 1)", f"{stop} := make(chan struct{{}})",
                 f"b.Cleanup(func() {{ close({stop}) }})"]
        if receives:
            lines.append(f"go func() {{\n\tdefer func() {{ _ = recover() }}()\n\tfor i := 0; ; i++ {{\n"
                         f"\t\tselect {{\n\t\tcase {var}.{name} <- {value}:\n\t\tcase <-{stop}:\n\t\t\treturn\n"
                         f"\t\t}}\n\t}}\n}}()")
        if sends and not receives:
            lines.append(f"go func() {{\n\tfor {{\n\t\tselect {{\n\t\tcase <-{var}.{name}:\n"
                         f"\t\tcase <-{stop}:\n\t\t\treturn\n\t\t}}\n\t}}\n}}()")
        self.out.setup += lines

    # ----- arguments -----

    def argument(self, p: Param, index: int) -> str:
        name = p.name if p.name and p.name != "_" else f"arg{index}"
        t = p.type
        if t.startswith("..."):
            t = "[]" + t[3:]
            expr = self._argument(name, t, p.name)
            return expr + "..."
        return self._argument(name, t, p.name)

    def _argument(self, name: str, t: str, path: str) -> str:
        env = self.env
        tt = t.strip()
        if tt.startswith("*") and env.is_(tt[1:], "net/http", "Request"):
            return self._request(name, path)
        if env.is_(tt, "net/http", "ResponseWriter"):
            var = self._var(name)
            (self.out.worker if self.parallel else self.out.setup).append(
                f"{var} := {self.v.std('net/http/httptest')}.NewRecorder()")
            if not self.parallel:
                self.out.per_iter.append(f"{var}.Body.Reset()")
            return var
        if env.is_(tt, "io", "Reader") or (tt.startswith("*") and env.is_(tt[1:], "bytes", "Reader")):
            data = self._var(name + "Data")
            var = self._var(name)
            self.out.setup.append(f"{data} := []byte({self.text_value(path, self.hints.shape(path))})")
            reader = f"{self.v.std('bytes')}.NewReader({data})"
            if self.parallel:
                self.out.worker.append(f"{var} := {reader}")
            else:
                self.out.setup.append(f"{var} := {reader}")
                self.out.per_iter.append(f"{var}.Reset({data})")
            return var
        shape = self.hints.shapes.get(path)
        if shape is not None and shape.nil and _nillable(tt):
            return "nil"
        if shape is not None and shape.literal is not None and not tt.startswith(("[]", "map[")):
            return self._convert(shape.literal, tt)
        node = type_node(tt)
        if node is None:
            raise Unbuildable(f"type {t} is not understood")
        if tt in ("string", "[]byte") or (tt in self.v.pkg.type_defs and self.v.pkg.type_defs[tt] == "string"
                                          and not self.v.facts.consts.get(tt)):
            value = self.named_value(Param(path, tt), env, path)
        elif tt == "[]string" and path + "[]" in self.hints.shapes:
            return self._shaped_strings(name, path, self.hints.shapes[path + "[]"])
        elif node.type in ("slice_type", "map_type") or (tt in self.v.pkg.type_defs and
                                                         self.v.pkg.type_defs[tt].startswith(("[]", "map["))):
            value = self.v.collection(tt, self.size_of(path), env)
        elif node.type == "channel_type":
            return self._channel_arg(name, tt, node, path)
        elif node.type == "function_type" and self._source(name, tt, node) is not None:
            return self._source(name, tt, node) or ""
        elif tt in ("int", "int64", "int32", "uint", "uint64", "uint32") and path in self.hints.drivers:
            return "n" if tt == "int" else f"{tt}(n)"
        elif tt == "bool":
            return "true"
        elif tt in ("any", "interface{}") and self._reflected(path):
            value = self._some_struct(env)
        else:
            value = self.v.element(tt, "1", env, in_bench=True)
        var = self._var(name)
        self.out.setup.append(f"{var} := {value}")
        self._element_shapes(var, path, tt)
        return var

    def _channel_arg(self, name: str, t: str, node: Node, path: str) -> str:
        """A channel the function receives from: n values, then closed (rebuilt per iteration). One it
        sends on: drained by a goroutine (rebuilt per iteration when the function closes it)."""
        env = self.env
        elem = text(node.child_by_field_name("value"))
        written = self.v.type_text(elem, env)
        var = self._var(name)
        sends = t.startswith("chan<-") or (not t.startswith("<-") and self._sends_on(path))
        if not sends:
            value = self.v.collection(t, self.size_of(path), env)
            self.out.setup.append(f"var {var} {self.v.type_text(t, env)}")
            self.out.rebuild.append(f"{var} = {value}")
            return var
        if self._closes(path):
            self.out.setup.append(f"var {var} chan {written}")
            self.out.rebuild.append(f"{var} = make(chan {written})\ngo func(c chan {written}) {{\n\tfor range c {{\n"
                                    f"\t}}\n}}({var})")
            return var
        stop = self._var("stop")
        self.out.setup += [f"{var} := make(chan {written})", f"{stop} := make(chan struct{{}})",
                           f"b.Cleanup(func() {{ close({stop}) }})",
                           f"go func() {{\n\tfor {{\n\t\tselect {{\n\t\tcase <-{var}:\n\t\tcase <-{stop}:\n"
                           f"\t\t\treturn\n\t\t}}\n\t}}\n}}()"]
        return var

    def _sites(self, kind: str) -> list[Node]:
        out: list[Node] = []
        stack = [self.func]
        while stack:
            f = stack.pop()
            out += [site.node for site in f.sites(kind)]
            stack.extend(f.closures)
        return out

    def _sends_on(self, path: str) -> bool:
        if any(text(n.child_by_field_name("channel")) == path for n in self._sites("send_statement")):
            return True
        word = re.compile(rf"(?<![\w.]){re.escape(path)}(?![\w])")
        return any(word.search(text(n)) for n in self._sites("go_statement"))

    def _closes(self, path: str) -> bool:
        return any(text(n) == f"close({path})" for n in self._sites("call_expression"))

    def _source(self, name: str, t: str, node: Node) -> str | None:
        """A func() (T, error) or func() (T, bool) parameter is a source the code pulls from until it
        fails: it yields n values, then an error (io.EOF) or false."""
        params = node.child_by_field_name("parameters")
        result = node.child_by_field_name("result")
        if params is None or params.named_children or result is None or result.type != "parameter_list":
            return None
        types = [text(p.child_by_field_name("type")) for p in result.named_children
                 if p.type == "parameter_declaration"]
        if len(types) != 2 or types[1] not in ("error", "bool"):
            return None
        key = (name, t)
        if key in self._sources:
            return self._sources[key]
        env = self.env
        calls = self._var(name + "Calls")
        value = self.v.element(types[0], calls, env)
        zero = f"*new({self.v.type_text(types[0], env)})"
        stop = f"{self.v.std('io')}.EOF" if types[1] == "error" else "false"
        ok = "nil" if types[1] == "error" else "true"
        var = self._var(name)
        self.out.setup += [f"{calls} := 0", f"{var} := {self.v.type_text(t, env)} {{\n\t{calls}++\n"
                           f"\tif {calls} > {self.size} {{\n\t\treturn {zero}, {stop}\n\t}}\n"
                           f"\treturn {value}, {ok}\n}}"]
        self.out.per_iter.append(f"{calls} = 0")
        self._sources[key] = var
        return var

    def _convert(self, literal: str, t: str) -> str:
        if t in ("string", "bool", "int", "float64", "rune") or literal in ("nil", "true", "false"):
            return literal
        if t.startswith("*") or literal[:1].isalpha():
            return literal if literal[:1].isalpha() else f"*new({self.v.type_text(t[1:], self.env)})"
        return f"{self.v.type_text(t, self.env)}({literal})"

    def _element_shapes(self, var: str, path: str, t: str) -> None:
        """Conditions on elements inside the loop (`it.Quantity == 0`): every other element meets them."""
        prefix = path + "[]."
        for p, shape in self.hints.shapes.items():
            if not p.startswith(prefix) or shape.literal is None or "." in p[len(prefix):]:
                continue
            if not t.startswith("[]"):
                continue
            fieldname = p[len(prefix):]
            self.out.setup.append(f"for i := range {var} {{\n\tif i%2 == 0 {{\n\t\t{var}[i].{fieldname} = "
                                  f"{shape.literal}\n\t}}\n}}")
        for p, shape in self.hints.shapes.items():
            if p.startswith(path + ".") and p.count(".") == path.count(".") + 1 and shape.literal is not None:
                self.out.setup.append(f"{var}.{p.rsplit('.', 1)[1]} = {shape.literal}")

    def named_value(self, p: Param, env: TypeEnv, path: str) -> str:
        """A string, []byte or other scalar, from what the code does with it or, failing that, its name."""
        t = p.type.strip()
        if t not in ("string", "[]byte"):
            named = t in self.v.pkg.type_defs and self.v.pkg.type_defs[t] == "string"
            if not named:
                return self.v.element(t, "1", env, in_bench=True)
            return f"{t}({self.named_value(Param(p.name, 'string'), env, path)})"
        shape = self.hints.shapes.get(path) if path else None
        value = self.text_value(path, shape or Shape(), p.name if t == "string" else "")
        return f"[]byte({value})" if t == "[]byte" else value

    def text_value(self, path: str, shape: Shape, name: str = "", index: str = "1") -> str:
        lowered = name.lower() if path not in self.hints.drivers and path not in self.hints.indexed else ""
        key = f"{self.v.fixed('perfReviewKey')}({index})"
        if shape.literal is not None:
            return shape.literal
        kind = shape.kind
        if not kind and lowered:
            if lowered in _DIR_NAMES or lowered.endswith("dir"):
                kind = "dir"
            elif lowered in _PATH_NAMES or lowered.endswith(("path", "file", "filename")):
                kind = "path"
            elif lowered in _URL_NAMES or lowered.endswith("url"):
                kind = "url"
            elif lowered in _HOST_NAMES:
                return '"example.com"'
        if kind in ("dir", "path", "file"):
            return self._file_path(kind, path)
        if kind == "url":
            return f"{self.server()}.URL + \"/\" + {key}"
        if kind == "hex":
            return '"0a1b2c3d"'
        if kind.startswith("json:"):
            return self._json(kind[5:])
        if path in self.hints.drivers or path in self.hints.indexed:
            if shape.sep is not None:
                join = self.v.fixed("perfReviewJoin")
                return f"{join}({self.size_of(path)}, {_go_string(shape.sep)}, {_go_string(shape.prefix)}, \"\")"
            body = f"{self.v.fixed('perfReviewText')}({self.size_of(path)})"
        elif shape.digits:
            body = '"1"'
        elif shape.sep is not None and shape.parts:
            body = " + ".join([key] * 1 + [f"{_go_string(shape.sep)} + {key}"] * (shape.parts - 1))
        else:
            body = key
        parts = [_go_string(shape.prefix)] if shape.prefix else []
        parts.append(body)
        if shape.contains and not shape.digits:
            parts.append(_go_string(shape.contains))
        if shape.suffix:
            parts.append(_go_string(shape.suffix))
        return " + ".join(parts)

    def _shaped_strings(self, name: str, path: str, shape: Shape) -> str:
        """A []string whose elements are what the loop does with each: files that exist, URLs of the local
        server, numbers, prefixed keys."""
        var = self._var(name)
        key = f"{self.v.fixed('perfReviewKey')}(i)"
        loop = []
        if shape.kind in ("file", "path", "dir"):
            directory = self._var("dir")
            self.out.setup.append(f"{directory} := b.TempDir()")
            filepath, os_ = self.v.std("path/filepath"), self.v.std("os")
            loop.append(f"{var}[i] = {filepath}.Join({directory}, {key})")
            if shape.kind == "file":
                content = self.text_value(path + "[]#content", Shape(sep="\n"))
                loop.append(f"if err := {os_}.WriteFile({var}[i], []byte({content}), 0o600); err != nil {{\n"
                            "\tb.Fatal(err)\n}")
            elif shape.kind == "dir":
                loop.append(f"if err := {os_}.MkdirAll({var}[i], 0o700); err != nil {{\n\tb.Fatal(err)\n}}")
        elif shape.kind == "url":
            loop.append(f"{var}[i] = {self.server()}.URL + \"/\" + {key}")
        elif shape.digits:
            loop.append(f"{var}[i] = {self.v.std('strconv')}.Itoa(i + 1)")
        else:
            loop.append(f"{var}[i] = {self.text_value(path + '[]', shape, '', index='i')}")
        body = "\n".join("\t" + line.replace("\n", "\n\t") for line in loop)
        self.out.setup += [f"{var} := make([]string, {self.size_of(path)})", f"for i := range {var} {{\n{body}\n}}"]
        return var

    def _file_path(self, kind: str, path: str) -> str:
        var = self._var("dir")
        self.out.setup.append(f"{var} := b.TempDir()")
        if kind == "dir":
            return var
        filepath = self.v.std("path/filepath")
        file = self._var("file")
        self.out.setup.append(f"{file} := {filepath}.Join({var}, \"perf-review.dat\")")
        if kind == "file":
            content = self.text_value(path + "#content", Shape())
            os_ = self.v.std("os")
            self.out.setup.append(f"if err := {os_}.WriteFile({file}, []byte({content}), 0o600); err != nil {{\n"
                                  f"\tb.Fatal(err)\n}}")
        return file

    def _json(self, t: str) -> str:
        value = "map[string]string{\"k\": \"v\"}"
        if t:
            saved = self.v.checkpoint()
            try:
                value = self.v.element(t.lstrip("*"), "1", self.env, in_bench=True)
            except Unbuildable:
                self.v.restore(saved)
        json = self.v.std("encoding/json")
        var = self._var("payload")
        self.out.setup.append(f"{var}, err := {json}.Marshal({value})\nif err != nil {{\n\tb.Fatal(err)\n}}")
        return f"string({var})"

    def _request(self, name: str, path: str) -> str:
        """An *http.Request whose method, query, headers and body are what the handler reads."""
        shapes = self.hints.shapes
        method = shapes.get(f"{path}.Method", Shape()).literal or '"GET"'
        url_shape = shapes.get(f"{path}.URL.Path", Shape())
        target = url_shape.literal or _go_string((url_shape.prefix or "/") + ("k1" if url_shape.prefix else ""))
        query = []
        for p, shape in shapes.items():
            if p.startswith(path + "?"):
                key = p[len(path) + 1:]
                query.append(f"{_go_string(key + '=')} + {self.text_value(p, shape)}")
        for p in self.hints.drivers:
            if p.startswith(path + "?") and p not in shapes:
                query.append(f"{_go_string(p[len(path) + 1:] + '=')} + {self.text_value(p, Shape(sep=','))}")
        if query:
            target += ' + "?" + ' + ' + "&" + '.join(query)
        body_shape = shapes.get(f"{path}.Body")
        body = "nil"
        httptest = self.v.std("net/http/httptest")
        var = self._var(name)
        build = [f"{var} := {httptest}.NewRequest({method}, {target}, nil)"]
        if self._sent_by_client(path):
            # A request the code sends itself goes to a local server, built as a client request.
            http = self.v.std("net/http")
            target = f"{self.server()}.URL + {target}"
            build = [f"{var}, err := {http}.NewRequest({method}, {target}, nil)", "if err != nil {\n\tb.Fatal(err)\n}"]
        if body_shape is not None and (body_shape.kind or body_shape.literal):
            content = self.text_value(f"{path}.Body", body_shape)
            body = f"{self.v.std('strings')}.NewReader({content})"
            if method == '"GET"':
                method = '"POST"'
            build = [f"{var} := {httptest}.NewRequest({method}, {target}, {body})"]
        for p, shape in shapes.items():
            if p.startswith(path + "#"):
                build.append(f"{var}.Header.Set({_go_string(p[len(path) + 1:])}, {self.text_value(p, shape)})")
        if body != "nil":
            first = build[0].replace(f"{var} :=", f"{var} =", 1)
            self.out.setup.append(f"var {var} *{self.v.std('net/http')}.Request")
            self.out.rebuild.append("\n".join([first, *build[1:]]))
        elif self.parallel:
            self.out.worker += build
        else:
            self.out.setup += build
        return var

    def _reflected(self, path: str) -> bool:
        return any(c.callee in ("reflect.ValueOf", "reflect.TypeOf", "reflect.Indirect")
                   and [text(a) for a in c.args] == [path] for c in self.func.calls)

    def _some_struct(self, env: TypeEnv) -> str:
        """A value for code that reflects over its argument's fields: the package's first struct that has
        exported fields, else a small anonymous one."""
        for name, struct in sorted(self.v.pkg.structs.items()):
            if any(f[:1].isupper() for f, _ in struct.fields) and name not in self.v.pkg.ambiguous:
                try:
                    return self.v.element(name, "1", env)
                except Unbuildable:
                    continue
        return 'struct {\n\tName string\n\tN    int\n}{"k1", 1}'

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

    def _var(self, want: str) -> str:
        take = self.take
        assert callable(take)
        name = take(want)
        assert isinstance(name, str)
        return name


def _nillable(t: str) -> bool:
    return t.startswith(("*", "[]", "map[", "func(", "chan ")) or t in ("error", "any")


def _is_collection(t: str, values: Values) -> bool:
    t = t.strip()
    if t.startswith(("[]", "map[")):
        return True
    under = values.pkg.type_defs.get(t, "")
    return under.startswith(("[]", "map["))
