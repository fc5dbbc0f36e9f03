"""Build constraints the way the go tool reads them: `//go:build` lines (and legacy `// +build` lines)
above the package clause, and `_GOOS` / `_GOARCH` file-name suffixes.

Two questions are asked of them: is a file excluded from every build (`//go:build ignore`, the
convention for generators and examples run with `go run`), and is it part of one platform's build
(to read the standard library's API as `GOOS=linux GOARCH=amd64 CGO_ENABLED=0` sees it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import product


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


KNOWN_OS = _words(
    "aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris "
    "wasip1 windows zos"
)
KNOWN_ARCH = _words(
    "386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 "
    "mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm"
)
UNIX_OS = _words(
    "aix android darwin dragonfly freebsd hurd illumos ios linux netbsd openbsd solaris"
)

# Linear on any input (tests/test_regex_linear.py): one line each, trailing blanks stripped in code.
_GO_BUILD = re.compile(rb"^//go:build[ \t]++([^\n]*)", re.MULTILINE)
_PLUS_BUILD = re.compile(rb"^//[ \t]*+\+build[ \t]++([^\n]*)", re.MULTILINE)
_TOKEN = re.compile(r"\(|\)|!|&&|\|\||[\w.]++")
_MAX_FREE_TAGS = 10


class ConstraintError(ValueError):
    """A build line that is not a valid expression."""


def header(src: bytes) -> bytes:
    """The part of a file above its package clause, where build constraints live."""
    # `^package\s` in MULTILINE mode, found with bytes.find: a regex tries every position above it.
    at = src.find(b"package")
    while at >= 0:
        if (at == 0 or src[at - 1] == 0x0A) and src[at + 7 : at + 8] in _SPACES:
            return src[:at]
        at = src.find(b"package", at + 1)
    return src[:4096]


_SPACES = frozenset(bytes([c]) for c in b" \t\n\r\f\v")


def constraint(src: bytes) -> str | None:
    """The file's build expression in `//go:build` syntax, or None when it has none."""
    head = header(src)
    m = _GO_BUILD.search(head)
    if m is not None:
        return m.group(1).decode("utf-8", "replace").strip()
    lines = [line.strip() for line in _PLUS_BUILD.findall(head)]
    if not lines:
        return None
    # Legacy syntax: spaces are OR, commas AND, and several lines AND together.
    clauses = []
    for line in lines:
        options = [" && ".join(term.split(",")) for term in line.decode("utf-8", "replace").split()]
        clauses.append("(" + " || ".join(f"({o})" for o in options) + ")")
    return " && ".join(clauses)


def evaluate(expr: str, has_tag: Callable[[str], bool]) -> bool:
    tokens = _tokens(expr)
    pos = 0

    def parse_or() -> bool:
        nonlocal pos
        value = parse_and()
        while pos < len(tokens) and tokens[pos] == "||":
            pos += 1
            right = parse_and()
            value = value or right
        return value

    def parse_and() -> bool:
        nonlocal pos
        value = parse_not()
        while pos < len(tokens) and tokens[pos] == "&&":
            pos += 1
            right = parse_not()
            value = value and right
        return value

    def parse_not() -> bool:
        nonlocal pos
        if pos >= len(tokens):
            raise ConstraintError(f"unexpected end of build expression {expr!r}")
        tok = tokens[pos]
        pos += 1
        if tok == "!":
            return not parse_not()
        if tok == "(":
            value = parse_or()
            if pos >= len(tokens) or tokens[pos] != ")":
                raise ConstraintError(f"missing ) in build expression {expr!r}")
            pos += 1
            return value
        if tok in (")", "&&", "||"):
            raise ConstraintError(f"unexpected {tok!r} in build expression {expr!r}")
        return has_tag(tok)

    value = parse_or()
    if pos != len(tokens):
        raise ConstraintError(f"trailing tokens in build expression {expr!r}")
    return value


def _tokens(expr: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while True:
        while pos < len(expr) and expr[pos].isspace():
            pos += 1
        if pos == len(expr):
            break
        m = _TOKEN.match(expr, pos)
        if m is None:
            raise ConstraintError(f"bad character in build expression {expr!r}")
        out.append(m.group(0))
        pos = m.end()
    return out


def tags_of(expr: str) -> set[str]:
    return {t for t in _tokens(expr) if t not in ("(", ")", "!", "&&", "||")}


def is_ignored(src: bytes) -> bool:
    """True when no build can include the file without the `ignore` tag (`//go:build ignore`), the
    tag nobody sets. Other tags may take any value: `linux && ignore` is ignored, `ignore || linux` is not."""
    expr = constraint(src)
    if expr is None or "ignore" not in expr:
        return False
    try:
        free = sorted(tags_of(expr) - {"ignore"})
        if len(free) > _MAX_FREE_TAGS:
            return False
        for values in product((False, True), repeat=len(free)):
            assignment = dict(zip(free, values, strict=True))
            if evaluate(expr, lambda tag: assignment.get(tag, False)):  # noqa: B023 (used at once)
                return False
    except ConstraintError:
        return False
    return True


def platform_tags(goos: str, goarch: str, go_minor: int) -> Callable[[str], bool]:
    """The tags a `CGO_ENABLED=0` build for goos/goarch satisfies with the gc toolchain."""
    fixed = {goos, goarch, "gc"}
    if goos in UNIX_OS:
        fixed.add("unix")

    def has(tag: str) -> bool:
        if tag in fixed:
            return True
        m = re.fullmatch(r"go1\.(\d+)", tag)
        return m is not None and int(m.group(1)) <= go_minor

    return has


def name_matches(filename: str, goos: str, goarch: str) -> bool:
    """The `_GOOS`, `_GOARCH` and `_GOOS_GOARCH` file-name suffixes allow this platform."""
    stem = filename.rsplit("/", 1)[-1].removesuffix(".go").removesuffix("_test")
    parts = stem.split("_")
    if len(parts) < 2:
        return True
    last = parts[-1]
    if len(parts) >= 3 and parts[-2] in KNOWN_OS and last in KNOWN_ARCH:
        return parts[-2] == goos and last == goarch
    if last in KNOWN_OS:
        return last == goos
    if last in KNOWN_ARCH:
        return last == goarch
    return True


def in_build(filename: str, src: bytes, goos: str = "linux", goarch: str = "amd64", go_minor: int = 99) -> bool:
    """The file belongs to a build for goos/goarch (suffix and constraint both allow it)."""
    if not name_matches(filename, goos, goarch):
        return False
    expr = constraint(src)
    if expr is None:
        return True
    try:
        return evaluate(expr, platform_tags(goos, goarch, go_minor))
    except ConstraintError:
        return False
