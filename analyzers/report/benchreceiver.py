"""The receiver of a benchmarked method: built by the package's constructor, with the collections it reads
filled, the fields it uses never nil and the channels it waits on served."""

from __future__ import annotations

import re

from tree_sitter import Node

from analyzers.report.benchinputs import Unbuildable
from analyzers.report.benchparts import BuilderBase, _is_collection
from analyzers.report.benchpaths import PathReader
from analyzers.report.benchrecv import adder, asserting_adder, receiver_use
from analyzers.report.benchstd import STD_INTERFACES
from analyzers.report.benchtypes import type_node
from analyzers.report.benchvalues import TypeEnv
from analyzers.source import Func, text


class ReceiverParts(BuilderBase):
    # ----- receiver -----

    def receiver(self) -> str:
        func = self.func
        assert func.receiver is not None
        t = func.receiver
        var = self._var(func.receiver_name or t[:1].lower())
        under = self.v.pkg.type_defs.get(t, "")
        written = self._receiver_from_tests(t)
        if written is not None:
            self.out.setup.append(f"{var} := {written}")
            return var  # not filled further: its fields agree as the test wrote them
        if under.startswith(("[]", "map[")):
            value = self.v.collection(t, self.size_of(var), self.env)
            if func.pointer_receiver:
                self.out.setup.append(f"{var}Value := {value}")
                value = f"&{var}Value"
        elif func.pointer_receiver:
            value = self._pointer_receiver(t)
        else:
            shape = self.hints.shapes.get(func.receiver_name or "")
            if shape is not None and shape.literal is not None and t not in self.v.pkg.structs:
                value = f"{self.v.type_text(t, self.env)}({shape.literal})"  # a position: see benchbounds
            else:
                value = self.v.element(t, "1", self.env, in_bench=True)
        self.out.setup.append(f"{var} := {value}")
        self._populate(var, t)
        return var

    def _receiver_from_tests(self, t: str) -> str | None:
        """The tests' literal of a struct the package has no constructor for (benchfile._test_receiver): built
        field by field, fields that must agree do not (prometheus' Histogram: its spans say how many buckets
        there are, and String indexed past them)."""
        found = self.test_receiver
        if found is None or not found.values:
            return None
        if not self._use_test_imports(found):
            return None
        lines = (found.values[0] or "").removeprefix("&").split("\n")
        indent = lines[-1][:len(lines[-1]) - len(lines[-1].lstrip())] if len(lines) > 1 else ""  # the brace's
        value = "\n".join([lines[0], *(ln.removeprefix(indent) for ln in lines[1:])])
        return "&" + value if self.func.pointer_receiver else value

    def _pointer_receiver(self, t: str) -> str:
        ctor = self.v.index.constructor(t)
        if ctor is not None and len(ctor.results) == 2 and t in self.v.pkg.structs and \
                not ctor.name.lower().startswith(("new", "make")):
            ctor = None  # LoadCSV(path) (*T, error): a loader of data the benchmark does not have
        if ctor is not None and [r.type for r in ctor.results][:1] == ["*" + t]:
            self.constructed_by = ctor
            return self.v.invertible(t, self._construct(ctor))
        if ctor is not None and ctor.results[0].type.lstrip("*") != t:
            self.constructed_by = ctor
            made = self._var("made")
            self.out.setup.append(f"{made} := {self._construct(ctor)}")
            return f"{made}.(*{t})"  # the constructor returns it behind an interface
        if ctor is not None and [r.type for r in ctor.results][:1] == [t]:
            self.constructed_by = ctor
            var = self._var("built")
            self.out.setup.append(f"{var} := {self._construct(ctor)}")
            return "&" + var
        if t in self.v.pkg.structs:
            return self.v.shell(t)
        return self.v.element("*" + t, "1", self.env, in_bench=True)

    def _construct(self, ctor: Func) -> str:
        """A call of the package's constructor whose arguments get it to its end without an error: the
        constructor's own guards are read like the benchmarked function's (CIDRs where it parses them)."""
        env = self.v.envs.get(ctor.file.path, self.env)
        hints = PathReader(ctor, self.v.index, self.v.facts).read_end()
        tests = self.tests
        part = type(self)(self.v, ctor, hints, env, self.take, self.parallel, tests(ctor) if tests else None, tests)
        part.out = self.out
        args = [self._inline(part.argument(p, i)) for i, p in enumerate(ctor.params) if not p.type.startswith("...")]
        call = f"{ctor.name}({', '.join(args)})"
        if len(ctor.results) == 1:
            return call
        var = self._var("built")
        self.out.setup += [f"{var}, err := {call}", self.unbuilt(ctor.name)]
        return var

    def _inline(self, arg: str) -> str:
        """`path := file` just written for a constructor's argument: the value itself, in the call."""
        last = self.out.setup[-1] if self.out.setup else ""
        prefix = f"{arg} := "
        used = "\n".join([*self.out.per_iter, *self.out.rebuild, *self.out.worker])
        if last.startswith(prefix) and "\n" not in last and not re.search(rf"\b{re.escape(arg)}\b", used):
            self.out.setup.pop()
            return last[len(prefix):]
        return arg

    def _populate(self, var: str, t: str) -> None:
        struct = self.v.pkg.structs.get(t)
        if struct is None:
            return
        self._promoted(var, t)
        use = receiver_use(self.func, self.v.index)
        types = {f or t.lstrip("*").rsplit(".", 1)[-1].split("[", 1)[0]: t for f, t in struct.fields}
        fillable = [f for f in use.reads if f in types and _is_collection(types[f], self.v)]
        fill = [f for f in fillable if f not in use.sends and f not in use.receives and not self._window(f)]
        env = self.v.envs.get(struct.file, self.env)
        for f in sorted(use.sends | use.receives):
            if f in types:
                self._channel(var, f, types[f], f in use.receives, f in use.sends)
        for f in [*use.reads, *sorted(use.writes - set(use.reads))]:
            if f in use.asserted and f in types:
                self._holds(var, f, use.asserted[f], env)
            elif f in use.nil_checked and f"{self.func.receiver_name}.{f}" not in self.hints.shapes:
                continue  # `if e.timer != nil {...}` off the finding's path: nil is a state the code handles
            elif f in types and f not in fill and f not in use.sends and f not in use.receives:
                self._ensure(var, f, types[f], env, use.pools.get(f))
        add = adder(t, set(fill), self.v.index, self.func) if fill else None
        typed = asserting_adder(t, self.v.index) if fill and add is None else None
        if typed is not None:
            # Its elements come through an adder that asserts one type behind `any`: generated values
            # fail the assertion, and filling the collections directly misses what the adder keeps
            # consistent (go-ethereum's sstack: blocks of a fixed size).
            raise Unbuildable(f"{t} is filled through {typed.name}, which asserts one dynamic type behind its "
                              "interface parameter: generated elements are not that type")
        if add is not None:
            self._fill_by(var, add)
        else:
            for f in fill:
                path = f"{self.func.receiver_name}.{f}"
                size = self.size_of(path) if path in self.hints.drivers or path in self.hints.min_len else self.size
                self.out.setup.append(f"{var}.{f} = {self.v.collection(types[f], size, env)}")
        self._deep_fill(var, t, use.deep_reads)
        self._shift_counts(var)
        root = self.func.receiver_name
        for path, shape in self.hints.shapes.items():
            fname = path[len(root) + 1:] if root and path.startswith(root + ".") else ""
            if not fname or fname not in types or "." in fname:
                continue
            if types[fname] == "string" and (shape.prefix or shape.suffix or shape.contains or shape.digits):
                self.out.setup.append(f"{var}.{fname} = {self.text_value(path, shape)}")
            elif shape.literal is not None and not (shape.position and self._sets(fname)):
                value = shape.literal
                if value.startswith(root + ".") and value[len(root) + 1:] in types:
                    value = f"{var}.{value[len(root) + 1:]}"  # another field of the same value
                self.out.setup.append(f"{var}.{fname} = {value}")

    def _shift_counts(self, var: str) -> None:
        """`idx >> (i.schema - i.targetSchema)` (prometheus' floatBucketIterator): a shift by the difference of
        two fields panics when it is negative ("negative shift amount"), which independently generated fields
        may make it. The second field is lowered to the first where it is above it."""
        recv, body = self.func.receiver_name, self.func.body
        if not recv or body is None:
            return
        r = re.escape(recv)
        pattern = rf"(?:<<|>>)\s*\(\s*{r}\.(\w+)\s*-\s*{r}\.(\w+)\s*\)"
        for a, b in dict.fromkeys(re.findall(pattern, text(body))):
            self.out.setup.append(f"if {var}.{a} < {var}.{b} {{\n\t{var}.{b} = {var}.{a}\n}}")

    def _promoted(self, var: str, t: str) -> None:
        """A method the code calls on the receiver that T does not declare comes from an embedded pointer
        (`eew.Sys()` from `*exec.ExitError` in containerd's `ExitErrorWrapper`): that pointer must not be nil.
        It gets a value, or the benchmark is skipped, saying which."""
        struct = self.v.pkg.structs[t]
        recv, body = self.func.receiver_name, self.func.body
        if not recv or body is None:
            return
        own = self.v.index.methods.get(t, {})
        names = {f for f, _ in struct.fields if f}
        embedded = [ftype for f, ftype in struct.fields if not f and ftype.startswith("*")]
        called = [m for m in re.findall(rf"(?<![\w.]){re.escape(recv)}\.(\w+)\(", text(body))
                  if m not in own and m not in names]
        if not called or not embedded:
            return
        env = self.v.envs.get(struct.file, self.env)
        for ftype in embedded:
            base = ftype.lstrip("*")
            if base in self.v.pkg.structs and not set(called) & set(self.v.index.methods.get(base, {})):
                continue  # a type of the package that declares none of them
            name = base.rsplit(".", 1)[-1].split("[", 1)[0]
            saved = self.v.checkpoint()
            try:
                value = self.v.element(ftype, "1", env, in_bench=True)
            except Unbuildable as e:
                self.v.restore(saved)
                if self.constructed_by is not None:
                    continue  # the package's constructor may well set it (etcd's metrics.NewMap: expvar.NewMap)
                raise Unbuildable(f"{recv}.{called[0]}() is promoted from the embedded {ftype}, which is nil "
                                  f"here: {e}") from None
            self.out.setup.append(f"if {var}.{name} == nil {{\n\t{var}.{name} = {value}\n}}")

    def _window(self, field: str) -> bool:
        """`if d.buf == nil { d.buf = d.storage[:0] }`: the field is a window on the receiver's own array,
        which the code sets up itself; filled with n generated elements it overflows what the code sizes by
        that array (go-ethereum's sha3 sponge: `todo := d.rate - len(d.buf)` went negative). A reset after
        use (`d.buf = d.storage[:0]` in `permute`) is no such set-up: there the field holds data."""
        recv = self.func.receiver_name
        if not recv:
            return False
        r, f = re.escape(recv), re.escape(field)
        lazy = rf"\bif\s+{r}\.{f}\s*==\s*nil\s*\{{\s*{r}\.{f}\s*=\s*{r}\.\w+\["
        return re.search(lazy, text(self.func.node)) is not None

    def _sets(self, field: str) -> bool:
        """Whether the constructor that built the receiver gives the field a value (`&state{rate: 136}`): a
        size or stride, which the position 0 read off `p[:d.rate]` would stall (go-ethereum's sha3 `Write`
        loops `p = p[d.rate:]` and computes `d.rate - len(d.buf)`: with 0 it sliced at -n and panicked)."""
        ctor = self.constructed_by
        if ctor is None:
            return False
        code = text(ctor.node)
        return re.search(rf"[{{,]\s*{re.escape(field)}\s*:|\.{re.escape(field)}\s*=[^=]", code) is not None

    def _deep_fill(self, var: str, t: str, deep: list[str]) -> None:
        """Collections one struct field further down (`r.stats.Lats`) that the code reads or walks."""
        root = self.func.receiver_name
        paths = list(deep) + [p[len(root) + 1:] for p in [*self.hints.drivers, *self.hints.min_len]
                              if root and p.startswith(root + ".") and p.count(".") == 2 and "[" not in p]
        done: set[str] = set()
        for rel in paths:
            outer, _, inner = rel.partition(".")
            if rel in done or not inner:
                continue
            done.add(rel)
            outer_type = self.v.index.field_type(t, outer)
            if not outer_type or outer_type.lstrip("*") not in self.v.pkg.structs:
                continue
            ftype = self.v.index.field_type(outer_type, inner)
            if not ftype or not _is_collection(ftype, self.v):
                continue
            struct = self.v.pkg.structs[outer_type.lstrip("*")]
            env = self.v.envs.get(struct.file, self.env)
            path = f"{root}.{rel}"
            size = self.size_of(path) if path in self.hints.drivers or path in self.hints.min_len else self.size
            try:
                value = self.v.collection(ftype, size, env)
            except Unbuildable:
                continue
            if outer_type.startswith("*"):  # a nil pointer on the way is left alone
                self.out.setup.append(f"if {var}.{outer} != nil {{\n\t{var}.{rel} = {value}\n}}")
            else:
                self.out.setup.append(f"{var}.{rel} = {value}")

    def _ensure(self, var: str, name: str, t: str, env: TypeEnv, pooled: str | None) -> None:
        """A field the code uses is never nil: a pointer, func, interface or map left nil by the
        constructor gets a usable value (an empty map); a sync.Pool without New gets one."""
        node = type_node(t)
        if node is None or self._links(t):
            return  # nil is the empty tree or list: a node made here would not be linked consistently
        pool = (node.type == "qualified_type" and t.endswith(".Pool")) or (t.endswith(".Pool") and t.startswith("*"))
        saved = self.v.checkpoint()
        setup = len(self.out.setup)
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
            elif node.type == "pointer_type" and t[1:] in self.v.pkg.structs and \
                    self.v.index.constructor(t[1:]) is not None and t[1:] not in self.building:
                self.building.add(t[1:])
                try:
                    value = self._pointer_receiver(t[1:])  # its constructor, given what gets it to its end
                finally:
                    self.building.discard(t[1:])
            elif node.type == "channel_type":
                # `if ev.ch == nil { panic(...) }`, `return ev.ch`: a channel, which nothing here waits on
                elem = self.v.type_text(text(node.child_by_field_name("value")), env)
                value = f"make(chan {elem}, 1)"
            elif node.type in ("pointer_type", "function_type") or self._std_interface(node, env) \
                    or self.v.facts.interface_methods(t) is not None:
                value = self.v.element(t, "1", env, in_bench=True)
            else:
                return
        except Unbuildable:
            self.v.restore(saved)
            del self.out.setup[setup:]
            return
        self.out.setup.append(f"if {var}.{name} == nil {{\n\t{var}.{name} = {value}\n}}")

    def _holds(self, var: str, name: str, asserted: str, env: TypeEnv) -> None:
        """An interface field the code asserts to a type (`c.Reader.(*pipe)`) holds a value of it, unless
        the constructor put one there."""
        saved = self.v.checkpoint()
        try:
            written = self.v.type_text(asserted, env)
            value = self.v.element(asserted, "1", env, in_bench=True)
        except Unbuildable:
            self.v.restore(saved)
            return
        self.out.setup.append(f"if _, ok := {var}.{name}.({written}); !ok {{\n\t{var}.{name} = {value}\n}}")

    def _links(self, t: str) -> bool:
        """*T where T holds a *T itself (a tree's or a list's node)."""
        struct = self.v.pkg.structs.get(t.lstrip("*")) if t.startswith("*") else None
        return struct is not None and any(ftype == t for _, ftype in struct.fields)

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
        if receives and sends:
            # Taken and given back (a semaphore of tokens): half full, either way round never blocks.
            self.out.setup.append(f"{var}.{name} = make(chan {written}, 64)\nfor i := 0; i < 32; i++ {{\n"
                                  f"\t{var}.{name} <- {value}\n}}")
            return
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

