"""Super-linear regular expressions, found by construction and measured by growth (for
tests/test_regex_linear.py and `python -m tests.redos` to list suspects).

Every pattern in `analyzers/` and `bot/` is collected: module-level compiled patterns by importing
the modules, patterns written inline (`re.search(r"...", s)`) by reading the source. For each
repetition inside a pattern, an attack is built the way ReDoS attacks are: a prefix that walks the
pattern up to the repetition, a pump that the repetition (and whatever overlaps it) keeps matching,
then a suffix that makes the rest fail. Python's `re` backtracks, so a pattern whose match time grows
faster than the input shows it when the pump grows.

Growth is measured, not timed against a threshold: the pump is doubled again and again, and the time
may grow at most EXCESS_LIMIT times faster than the input did (linear stays near 1; quadratic is 8
times over once the input is 8 times longer, and 128 times over at 128 times). Timings are CPU time
of the measuring thread (other processes on a loaded machine do not count), the best of several runs
each repeated to last a while, and a suspect is measured again before it counts.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import re._constants as C
import re._parser as P
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("analyzers", "bot")
EXCESS_LIMIT = 4.0  # times slower than linear growth: quadratic is 8x over at 8x the input, 128x at 128x
ONE_MB = 1 << 20
_FN_NAMES = frozenset({"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"})


@dataclass(frozen=True)
class Found:
    where: str  # "module.NAME" or "path:line"
    pattern: re.Pattern[str] | re.Pattern[bytes]


@dataclass(frozen=True)
class Attack:
    found: Found
    prefix: str
    pump: str
    suffix: str

    def build(self, n: int) -> str | bytes:
        text = self.prefix + self.pump * max(1, n // max(1, len(self.pump))) + self.suffix
        return text.encode("latin-1", "replace") if isinstance(self.found.pattern.pattern, bytes) else text

    def __str__(self) -> str:
        return f"{self.found.where}: {self.prefix!r} + {self.pump!r}*n + {self.suffix!r}"


# -- collecting the patterns ---------------------------------------------------------------------


def module_patterns() -> list[Found]:
    out: list[Found] = []
    for package in PACKAGES:
        pkg = importlib.import_module(package)
        names = [package] + [m.name for m in pkgutil.walk_packages(pkg.__path__, f"{package}.")]
        for name in names:
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue
            for attr, value in vars(module).items():
                if isinstance(value, re.Pattern):
                    out.append(Found(f"{name}.{attr}", value))
    return _unique(out)


def inline_patterns() -> list[Found]:
    """Literal patterns passed straight to re.<function>(...) anywhere in the packages' source."""
    out: list[Found] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "testdata" in path.parts:
                continue
            tree = ast.parse(path.read_text(), str(path))
            for node in ast.walk(tree):
                found = _literal_call(node)
                if found is not None:
                    source, flags = found
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    out.append(Found(where, re.compile(source, flags)))
    return _unique(out)


def _literal_call(node: ast.AST) -> tuple[Any, int] | None:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    owner = node.func.value
    if not (isinstance(owner, ast.Name) and owner.id == "re" and node.func.attr in _FN_NAMES and node.args):
        return None
    first = node.args[0]
    if not isinstance(first, ast.Constant) or not isinstance(first.value, str | bytes):
        return None
    flags = 0
    for kw in node.keywords:
        if kw.arg == "flags":
            flags = _flags(kw.value)
    if node.func.attr == "compile" and len(node.args) > 1:
        flags = _flags(node.args[1])
    return first.value, flags


def _flags(node: ast.AST) -> int:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "re":
        return int(getattr(re, node.attr))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _flags(node.left) | _flags(node.right)
    return 0


def all_patterns() -> list[Found]:
    return _unique(module_patterns() + inline_patterns())


def _unique(found: list[Found]) -> list[Found]:
    seen: set[tuple[Any, int]] = set()
    out = []
    for f in found:
        key = (f.pattern.pattern, f.pattern.flags)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


# -- building attacks ----------------------------------------------------------------------------

_SAMPLE_CATEGORY = {
    C.CATEGORY_DIGIT: "0", C.CATEGORY_NOT_DIGIT: "a", C.CATEGORY_SPACE: " ", C.CATEGORY_NOT_SPACE: "a",
    C.CATEGORY_WORD: "a", C.CATEGORY_NOT_WORD: " ", C.CATEGORY_LINEBREAK: "\n", C.CATEGORY_NOT_LINEBREAK: "a",
}
_CANDIDATES = " \tAa0_-./:(\n"


def _sample_in(items: list[Any]) -> str:
    negated = bool(items) and items[0][0] == C.NEGATE
    if negated:
        for ch in _CANDIDATES + "x!#":
            if not _in_class(ch, items[1:]):
                return ch
        return "\x01"
    for op, av in items:
        if op == C.LITERAL:
            return chr(av)
        if op == C.RANGE:
            return chr(av[0])
        if op == C.CATEGORY:
            return _SAMPLE_CATEGORY.get(av, "a")
    return "a"


def _in_class(ch: str, items: list[Any]) -> bool:
    for op, av in items:
        if op == C.LITERAL and chr(av) == ch:
            return True
        if op == C.RANGE and av[0] <= ord(ch) <= av[1]:
            return True
        if op == C.CATEGORY and re.fullmatch(_CATEGORY_RE.get(av, r"\w"), ch):
            return True
    return False


_CATEGORY_RE = {
    C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D", C.CATEGORY_SPACE: r"\s", C.CATEGORY_NOT_SPACE: r"\S",
    C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W",
}


def sample(items: Any) -> str:
    """A short string the (sub)pattern matches (best effort: lookarounds and backreferences are skipped)."""
    out = []
    for op, av in items:
        if op == C.LITERAL:
            out.append(chr(av))
        elif op == C.NOT_LITERAL:
            out.append("a" if chr(av) != "a" else "b")
        elif op == C.IN:
            out.append(_sample_in(av))
        elif op == C.ANY:
            out.append("a")
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo, _, sub = av
            out.append(sample(sub) * lo)
        elif op == C.SUBPATTERN:
            out.append(sample(av[3]))
        elif op == C.ATOMIC_GROUP:
            out.append(sample(av))
        elif op == C.BRANCH:
            out.append(sample(av[1][0]))
    return "".join(out)


def _children(op: Any, av: Any) -> list[Any]:
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        return [av[2]]
    if op == C.SUBPATTERN:
        return [av[3]]
    if op == C.ATOMIC_GROUP:
        return [av]
    if op == C.BRANCH:
        return list(av[1])
    if op in (C.ASSERT, C.ASSERT_NOT):
        return [av[1]]
    return []


def _prefixes(items: Any, acc: str = "") -> Iterator[tuple[str, Any]]:
    """(the text that leads up to it, its body) for every unbounded repetition in the pattern."""
    for i, (op, av) in enumerate(items):
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[1] > 1:
            yield acc, av[2]
        for child in _children(op, av):
            if op in (C.ASSERT, C.ASSERT_NOT):
                continue
            yield from _prefixes(child, acc)
        acc += sample(items[i : i + 1])


def attacks(found: Found) -> list[Attack]:
    source = found.pattern.pattern
    text = source.decode("latin-1") if isinstance(source, bytes) else source
    try:
        parsed = P.parse(text, found.pattern.flags & ~re.UNICODE if isinstance(source, bytes) else found.pattern.flags)
    except re.error:
        return []
    out: dict[tuple[str, str, str], Attack] = {}
    for prefix, body in _prefixes(parsed):
        for pump in {sample(body) or "a", " ", "aA"}:
            for suffix in ("", "!\n!"):
                out.setdefault((prefix, pump, suffix), Attack(found, prefix, pump, suffix))
    if not out:  # no repetition: a long run of what the pattern starts with, for completeness
        out[("", "a", "")] = Attack(found, sample(parsed), "a", "!")
    return list(out.values())


# -- measuring growth ----------------------------------------------------------------------------


def per_call(fn: Callable[[Any], object], arg: Any, floor: float = 0.002, runs: int = 3) -> float:
    """CPU seconds per call: the best of `runs`, each repeated until it lasts `floor` seconds."""
    best = float("inf")
    for _ in range(runs):
        reps = 1
        while True:
            start = time.thread_time()
            for _ in range(reps):
                fn(arg)
            elapsed = time.thread_time() - start
            if elapsed >= floor or reps >= 1 << 16:
                break
            reps *= 4
        best = min(best, elapsed / reps)
    return best


def scan(attack: Attack) -> Callable[[Any], object]:
    pattern = attack.found.pattern
    return lambda s: [m.end() for m in pattern.finditer(s)]


def excess(attack: Attack, base: int, top: int, floor: float = 0.002, runs: int = 3,
           stop: float = EXCESS_LIMIT) -> float:
    """How many times slower than linear the attack gets, doubling the input from `base` to `top`: the
    largest (time(n) / time(base)) / (n / base) from n = 8 * base on (where quadratic time is at least
    8 times over, and noise rarely twice), or an earlier step already over `stop`. Doubling stops once
    it is over `stop`, so a cubic pattern is caught on short input instead of running for hours."""
    fn = scan(attack)
    first = max(per_call(fn, attack.build(base), floor, runs), 1e-9)
    worst_seen, n, step = 0.0, base, 0
    while n < top:
        n, step = n * 2, step + 1
        over = per_call(fn, attack.build(n), floor, runs) / first / 2**step
        if step >= 3 or over > stop:
            worst_seen = max(worst_seen, over)
        if worst_seen > stop:
            break
    return worst_seen


def confirmed_excess(attack: Attack, base: int, top: int, tries: int = 3, runs: int = 3) -> float:
    """excess() measured carefully (to `top` unless far over), again while it looks super-linear; the
    lowest measurement counts."""
    lowest = float("inf")
    for attempt in range(tries):
        lowest = min(lowest, excess(attack, base, top, runs=runs if attempt == 0 else 3, stop=4 * EXCESS_LIMIT))
        if lowest <= EXCESS_LIMIT:
            break
    return lowest


def worst(found: Found, base: int = 256, top: int = 4096) -> tuple[Attack, float]:
    """The attack with the steepest growth on short inputs, and its (confirmed) excess over linear."""
    scored = [(excess(a, base, top, floor=0.0003, runs=1), a) for a in attacks(found)]
    over, attack = max(scored, key=lambda pair: pair[0])
    if over > EXCESS_LIMIT:
        over = confirmed_excess(attack, base, top)
    return attack, over


def main() -> None:
    for found in all_patterns():
        attack, over = worst(found)
        flag = "SUPER-LINEAR" if over > EXCESS_LIMIT else "ok"
        print(f"{flag:>12} {over:6.1f}  {attack}")


if __name__ == "__main__":
    main()
