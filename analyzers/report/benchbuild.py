"""One generated benchmark's inputs: the receiver (built by the package's constructor, its collections
filled), each argument (shaped by what the code checks, scaled by n when the finding's loop walks it),
the call, and what must be reset or rebuilt between iterations."""

from __future__ import annotations

import re

from tree_sitter import Node

from analyzers.model import Param
from analyzers.report.benchinputs import NESTED_SIZE, Unbuildable
from analyzers.report.benchparts import _DIR_NAMES, _PATH_NAMES, _URL_NAMES, Built, _nillable
from analyzers.report.benchreceiver import ReceiverParts
from analyzers.report.benchtext import TextParts
from analyzers.report.benchtypes import type_node
from analyzers.report.benchvalues import TypeEnv
from analyzers.source import text

__all__ = ["BenchBuilder", "Built"]

_ROUND_TRIPS = ("UnmarshalJSON", "UnmarshalText", "UnmarshalBinary")
# What an `any` argument holds when the code checks reflect.ValueOf(v).Kind() against one of these.
_KINDS = {"reflect.Slice": "[]string{{key}(1), {key}(2)}", "reflect.Map": "map[string]int{{key}(1): 1}",
          "reflect.String": "{key}(1)", "reflect.Int": "1", "reflect.Func": "func(...any) {}",
          "reflect.Struct": "", "reflect.Ptr": "", "reflect.Pointer": "", "reflect.Bool": "true",
          "reflect.Float64": "1.5"}


_WIDTH = re.compile(r"(?i)width")
_STATUS = re.compile(r"(?i)(^|\.)(code|status|statuscode|status_code)$")
WIDTH = 64  # a width generated elements (k1 … k999) and their padding fit in


class BenchBuilder(ReceiverParts, TextParts):
    """Builds the inputs of one benchmark (receiver, arguments) into `out`."""

    def argument(self, p: Param, index: int) -> str:
        name = p.name if p.name and p.name != "_" else f"arg{index}"
        t = p.type
        if t.startswith("..."):
            t = "[]" + t[3:]
            expr = self._argument(name, t, p.name)
            return expr + "..."
        if t == "[]byte" and index == 0 and self.func.receiver and self.func.name in _ROUND_TRIPS:
            encoded = self._round_trip(name)
            if encoded is not None:
                return encoded
        from_tests = self._from_tests(name, t, p.name, index)
        return from_tests if from_tests is not None else self._argument(name, t, p.name)

    def _round_trip(self, name: str) -> str | None:
        """UnmarshalJSON's (Text's, Binary's) input: what the type's own encoder writes for a value, the
        one format its decoder is sure to accept."""
        recv = self.func.receiver or ""
        methods = self.v.facts.method_set(recv)
        kind = self.func.name.removeprefix("Unmarshal")
        saved = self.v.checkpoint()
        try:
            value = self.v.element(recv, "1", self.env, in_bench=True)
        except Unbuildable:
            self.v.restore(saved)
            return None
        source, var, data = self._var("encoded"), self._var(name), ""
        if kind == "JSON":
            if "MarshalJSON" not in methods and "String" in methods and "MarshalText" not in methods:
                data = f"{self.v.std('encoding/json')}.Marshal({source}.String())"  # a quoted String()
            else:
                data = f"{self.v.std('encoding/json')}.Marshal(&{source})"
        elif f"Marshal{kind}" in methods:
            data = f"{source}.Marshal{kind}()"
        elif kind == "Text" and "String" in methods:
            self.out.setup += [f"{source} := {value}", f"{var} := []byte({source}.String())"]
            return var
        else:
            self.v.restore(saved)
            return None
        self.out.setup += [f"{source} := {value}", f"{var}, err := {data}", self.unbuilt(data.split("(", 1)[0])]
        return var

    def _from_tests(self, name: str, t: str, path: str, index: int) -> str | None:
        """The argument the package's own tests pass, for inputs whose size does not drive the cost and
        whose shape the code does not dictate (a file, a URL)."""
        found = self.test_args
        if found is None or index >= len(found.values) or found.values[index] is None:
            return None
        shape = self.hints.shapes.get(path)
        lowered = path.lower()
        if path in self.hints.drivers or path in self.hints.indexed or (shape is not None and (
                shape.kind or shape.literal is not None)) or lowered in _PATH_NAMES + _DIR_NAMES + _URL_NAMES:
            return None
        if not self._use_test_imports(found):
            return None
        var = self._var(name)
        self.out.setup.append(f"{var} := {self._typed(found.values[index] or '', t)}")
        return var

    def _typed(self, value: str, t: str) -> str:
        """An untyped constant from a test keeps the parameter's type in `x := ...`."""
        if re.fullmatch(r"-?[0-9][0-9_]*|'.*'|-?[0-9.]+(e-?[0-9]+)?", value) and t not in ("int", "rune", "float64"):
            return f"{self.v.type_text(t, self.env)}({value})"
        return value

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
        if tt.startswith("*") and env.is_(tt[1:], "bytes", "Buffer") and (
                path in self.hints.min_len or path in self.hints.shapes):
            # A buffer the code reads: holds the content it checks, refilled each iteration.
            data = self._var(name + "Data")
            var = self._var(name)
            self.out.setup += [f"{data} := []byte({self.text_value(path, self.hints.shape(path))})",
                               f"{var} := new({self.v.std('bytes')}.Buffer)"]
            if self.parallel:
                raise Unbuildable("a buffer the code reads cannot be shared by parallel workers")
            self.out.per_iter += [f"{var}.Reset()", f"{var}.Write({data})"]
            return var
        asserted = self.hints.asserted.get(path)
        if asserted is not None:
            var = self._var(name)
            each = self.hints.asserted.get(path + "[]")
            sized = path in self.hints.drivers and asserted.startswith(("[]", "map["))  # n: its length
            size = self.size_of(path) if sized else str(NESTED_SIZE)
            if each is not None and asserted in ("[]any", "[]interface{}"):
                value = self.v.mixed(asserted, each, size, env)
            elif sized:
                value = self.v.collection(asserted, size, env)
            else:
                value = self.v.element(asserted, "1", env, in_bench=True)
            self.out.setup.append(f"var {var} {self.v.type_text(tt, env)} = {value}")
            return var
        shape = self.hints.shapes.get(path)
        if shape is not None and shape.nil and _nillable(tt):
            return "nil"
        if tt == "uintptr" and self._program_counter(path):
            return f"{self.v.fixed('perfReviewPC')}()"  # runtime.FuncForPC(0) is nil: its methods panic
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
        elif tt in ("int", "[]int") and _WIDTH.search(path) and path not in self.hints.drivers:
            # A width is room for content (a column's cells, padding): 1, 2, 3 leave none, and the
            # padding the code computes from them goes negative (strings.Repeat panics).
            value = str(WIDTH) if tt == "int" else \
                f"{self.v.fixed('perfReviewSlice')}({self.size_of(path)}, func(i int) int {{ return {WIDTH} + i }})"
        elif tt == "int" and _STATUS.search(path) and path not in self.hints.drivers and self._speaks_http():
            value = "200"  # an HTTP status: WriteHeader panics on codes outside 100-999
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
        elif tt in ("any", "interface{}") and path + "@kind" in self.hints.shapes and \
                self.hints.shapes[path + "@kind"].literal in _KINDS:
            kind = self.hints.shapes[path + "@kind"].literal or ""
            value = _KINDS[kind].replace("{key}", self.v.fixed("perfReviewKey"))
            if kind in ("reflect.Struct", "reflect.Ptr", "reflect.Pointer"):
                value = self._some_struct(env) if kind == "reflect.Struct" else \
                    f"func() any {{\n\tv := {self._some_struct(env)}\n\treturn &v\n}}()"
        elif tt in ("any", "interface{}") and self._appended_by_reflection(path):
            # reflect.Append(list, reflect.ValueOf(v)): v must be the element type of a slice this file made
            # for an `any` checked to be a reflect.Slice, a []string (_KINDS)
            value = f"{self.v.fixed('perfReviewKey')}(1)"
        elif tt in ("any", "interface{}") and self._reflect_called(path):
            value = "func(...any) {}"  # reflect.ValueOf(fn).Call(args): a function taking any arguments
        elif tt in ("any", "interface{}") and self._reflected(path):
            value = self._some_struct(env)
        else:
            absent = shape is not None and shape.absent
            value = self.v.element(tt, "-2" if absent else "1", env, in_bench=True)
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

    def _sends_on(self, path: str) -> bool:
        if any(text(n.child_by_field_name("channel")) == path for n in self._sites("send_statement")):
            return True
        word = re.compile(rf"(?<![\w.]){re.escape(path)}(?![\w])")
        return any(word.search(text(n)) for n in self._sites("go_statement"))

    def _closes(self, path: str) -> bool:
        return any(text(n) == f"close({path})" for n in self._sites("call_expression"))

    def _program_counter(self, path: str) -> bool:
        """Whether the function hands the parameter to runtime.FuncForPC (go-ethereum's glog `setV(pc)`)."""
        return any(c.callee == "runtime.FuncForPC" and [text(a) for a in c.args] == [path] for c in self.func.calls)

    def _speaks_http(self) -> bool:
        """Whether the package imports net/http (a `code` or `status` int is then an HTTP status)."""
        return any("net/http" in gf.imports.values() for gf in self.v.pkg.files)

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

    def _reflected(self, path: str) -> bool:
        return any(c.callee in ("reflect.ValueOf", "reflect.TypeOf", "reflect.Indirect")
                   and [text(a) for a in c.args] == [path] for c in self.func.calls)

    def _appended_by_reflection(self, path: str) -> bool:
        """`reflect.Append(list, reflect.ValueOf(path))` (go-ethereum's `List.Append`): a struct of the package
        is not the element type of the list, and reflect.Append panics."""
        body = self.func.body
        pattern = rf"reflect\.Append\([^()]*(?:\([^()]*\))?[^()]*,\s*reflect\.ValueOf\(\s*{re.escape(path)}\s*\)\s*\)"
        return body is not None and re.search(pattern, text(body)) is not None

    def _reflect_called(self, path: str) -> bool:
        """`reflect.ValueOf(path).Call(...)`, directly or through a variable."""
        pattern = re.compile(rf"reflect\.ValueOf\(\s*{re.escape(path)}\s*\)\s*\.Call(Slice)?\(")
        body = self.func.body
        if body is None:
            return False
        if pattern.search(text(body)):
            return True
        via = re.compile(rf"(\w+)\s*:?=\s*reflect\.ValueOf\(\s*{re.escape(path)}\s*\)")
        return any(re.search(rf"\b{re.escape(m.group(1))}\.Call(Slice)?\(", text(body))
                   for m in via.finditer(text(body)))

    def _some_struct(self, env: TypeEnv) -> str:
        """A value for code that reflects over its argument's fields: the package's first struct that has
        exported fields, else a small anonymous one of a string and a fixed-size unsigned integer, which every
        encoder takes (encoding/binary refuses int, and go-ethereum's rlp any signed integer)."""
        for name, struct in sorted(self.v.pkg.structs.items()):
            if any(f[:1].isupper() for f, _ in struct.fields) and name not in self.v.pkg.ambiguous:
                try:
                    return self.v.element(name, "1", env)
                except Unbuildable:
                    continue
        return 'struct {\n\tName string\n\tN    uint64\n}{"k1", 1}'

