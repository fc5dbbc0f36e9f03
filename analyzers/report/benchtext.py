"""Strings, byte slices, requests and files a benchmark passes: shaped by what the code checks (a prefix,
a separator between n keys, digits, a file that exists, JSON of a type, query parameters)."""

from __future__ import annotations

from analyzers.model import Param
from analyzers.report.benchinputs import Unbuildable
from analyzers.report.benchparts import _DIR_NAMES, _HOST_NAMES, _PATH_NAMES, _URL_NAMES, BuilderBase, _go_string
from analyzers.report.benchshapes import Shape
from analyzers.report.benchvalues import TypeEnv


class TextParts(BuilderBase):
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
        if shape.absent:
            index = "-1"  # keys 0, 1, ... are in the collections: this one is not
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
        if shape.sep is not None and shape.parts and path not in self.hints.drivers:
            body = self._parts(path, shape)
        elif path in self.hints.drivers or path in self.hints.indexed:
            each = self.hints.shapes.get(path + "[]")
            if shape.sep is not None and each is not None and each.literal is not None and \
                    each.literal.startswith('"'):  # n copies of the one value each part must be
                strings = self.v.std("strings")
                sep = _go_string(shape.sep)
                return f"{strings}.TrimSuffix({strings}.Repeat({each.literal}+{sep}, {self.size_of(path)}), {sep})"
            if shape.sep is not None:
                join = self.v.fixed("perfReviewJoin")
                return f"{join}({self.size_of(path)}, {_go_string(shape.sep)}, {_go_string(shape.prefix)}, \"\")"
            body = f"{self.v.fixed('perfReviewText')}({self.size_of(path)})"
        elif shape.digits:
            body = '"1"'
        elif self.hints.min_len.get(path, 0) > 2:  # sliced or indexed past what a key holds
            body = f"{self.v.fixed('perfReviewText')}({self.size_of(path)})"
        else:
            body = key
        parts = [_go_string(shape.prefix)] if shape.prefix else []
        parts.append(body)
        if shape.contains and not shape.digits:
            parts.append(_go_string(shape.contains))
        if shape.suffix:
            parts.append(_go_string(shape.suffix))
        return " + ".join(parts)

    def _parts(self, path: str, shape: Shape) -> str:
        """`parts` pieces joined by sep, piece k shaped by what the code checks of `path[k]`."""
        pieces = []
        for k in range(min(shape.parts, 64)):
            part = self.hints.shapes.get(f"{path}[{k}]")
            if part is None and f"{path}[{k}]" in self.hints.drivers:
                part = Shape()  # the part the loop walks: n long
            pieces.append(self.text_value(f"{path}[{k}]", part) if part is not None else
                          f"{self.v.fixed('perfReviewKey')}(1)")
        return f" + {_go_string(shape.sep or '')} + ".join(pieces)

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
        if kind == "dir":
            var = self._var("dir")
            shape = self.hints.shapes.get(path, Shape())
            if shape.prefix or shape.contains or shape.suffix:  # a directory whose name the code checks
                name = _go_string(shape.prefix + "k1" + shape.contains + shape.suffix)
                filepath, os_ = self.v.std("path/filepath"), self.v.std("os")
                self.out.setup += [f"{var} := {filepath}.Join(b.TempDir(), {name})",
                                   f"if err := {os_}.MkdirAll({var}, 0o700); err != nil {{\n\tb.Fatal(err)\n}}"]
                return var
            self.out.setup.append(f"{var} := b.TempDir()")
            if shape.entries:  # listed by the code: files in it, or the loop over them never runs
                filepath, os_, key = self.v.std("path/filepath"), self.v.std("os"), self.v.fixed("perfReviewKey")
                self.out.setup.append(
                    f"for i := 0; i < {self.size_of(path)}; i++ {{\n"
                    f"\tif err := {os_}.WriteFile({filepath}.Join({var}, {key}(i)), []byte({key}(i)), 0o600); "
                    "err != nil {\n\t\tb.Fatal(err)\n\t}\n}")
            return var
        filepath = self.v.std("path/filepath")
        file = self._var("file")
        self.out.setup.append(f"{file} := {filepath}.Join(b.TempDir(), \"perf-review.dat\")")
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
        if body_shape is None and f"{path}.Body" in self.hints.drivers:
            body_shape = Shape(literal=f"{self.v.fixed('perfReviewText')}({self.size_of(path + '.Body')})")
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
            content = self._var(name + "Body")
            self.out.setup.append(f"{content} := {self.text_value(f'{path}.Body', body_shape)}")
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

