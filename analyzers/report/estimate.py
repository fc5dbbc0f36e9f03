"""One finding's cost estimate: the cost of the flagged operation (costs.py), times the loops around
it, stated per call, per iteration or per call at a stated n, with an impact label derived from it.

- A loop whose range expression or condition names one of the function's parameters walks the input:
  it counts as n = N and the estimate is per call at that n. Other loops leave it per iteration.
- Quadratic and growing patterns (concat, growth) are costed at n = N iterations of the loop that does
  the appending: their cost per iteration is not a constant.
- A lock held across I/O costs what the I/O costs, by the kind of call (file write, fsync, network
  round trip, process); waiting on another goroutine has no fixed cost and is labelled, not priced.
"""

# ruff: noqa: RUF002  (typographic dashes and signs in review text are deliberate)

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from analyzers.model import Finding, Param
from analyzers.report.costs import COSTS, Range, RuleCost, cost_range, fmt_range, fmt_span, rule_cost, sum_pairs

N = 1_000
HIGH_NS = 100_000
MEDIUM_NS = 1_000
_WORD = re.compile(r"[A-Za-z_]\w*")

# The blocking call under a lock, by how its callee is written: (pattern on the callee, cost key).
_IO_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), key) for p, key in (
        (r"(^|\.)(os|ioutil)\.WriteFile$", "fs_write_file"),
        (r"(^|\.)(os|ioutil)\.ReadFile$", "fs_read_file"),
        (r"(^|\.)os\.(Create|Rename|Remove|RemoveAll|Mkdir|MkdirAll|MkdirTemp|CreateTemp|Truncate|Chmod|"
         r"Chown|Link|Symlink)$", "fs_meta"),
        (r"(^|\.)os\.(Open|OpenFile|Stat|Lstat|ReadDir|ReadLink)$", "fs_stat"),
        (r"\.Sync$", "fs_sync"),
        (r"(^|\.)(net|tls)\.Dial\w*$|\.Dial(Context|TLS\w*)?$", "connection_setup"),
        (r"(^|\.)http\.(Get|Post|Head|PostForm)$|\.(Do|RoundTrip|Get|Post|Head|PostForm)$", "net_rtt"),
        (r"\.(Query|QueryRow|Exec|QueryContext|QueryRowContext|ExecContext|Prepare|PrepareContext|Begin|BeginTx|"
         r"Commit|Rollback|Ping|PingContext|Select|NamedExec)$", "net_rtt"),
        (r"\.(Run|Output|CombinedOutput|Start)$|(^|\.)exec\.Command", "process"),
        (r"\.(Read|Write|WriteString|ReadAt|WriteAt|ReadFrom|WriteTo|ReadFull|Copy|CopyN|ReadAll)$", "syscall"),
    )
)


@dataclass(frozen=True)
class Estimate:
    """cost: ns (empty when the finding has no fixed cost); basis: "per call", "per iteration",
    "per call at n=1,000", …; impact: high / medium / low, or a word for what cannot be priced;
    keys: cost-model rows used; n: the stated n (None when the cost does not depend on one);
    power: how the cost grows with n (0, 1, 2) for at-scale statements."""

    cost: Range
    basis: str
    impact: str
    keys: tuple[str, ...] = ()
    n: int | None = None
    power: int = 0
    note: str = ""

    @property
    def text(self) -> str:
        if not self.cost:
            return self.note or "no fixed cost"
        note = f" ({self.note})" if self.note else ""
        return f"{fmt_range(self.cost)} {self.basis}{note}"

    def at(self, n: int) -> Range:
        """The estimate at another n (same basis), for statements about scale."""
        if self.n is None or not self.power:
            return self.cost
        return self.cost * ((n / self.n) ** self.power)


def impact_of(cost: Range) -> str:
    if cost.high >= HIGH_NS:
        return "high"
    if cost.high >= MEDIUM_NS:
        return "medium"
    return "low"


def walks_input(loop: str, params: Sequence[Param]) -> bool:
    """The loop's range expression or condition names a parameter: its length comes from the caller."""
    names = {p.name for p in params if p.name and p.name != "_"}
    return bool(names) and any(w in names for w in _WORD.findall(loop))


def io_key(f: Finding) -> str | None:
    """The cost row of the blocking call a lock is held across, or None for a wait on a goroutine."""
    callee = f.callee or f.message.split(" while ", 1)[0].strip()
    for pattern, key in _IO_KINDS:
        if pattern.search(callee):
            return key
    return None


def estimate(f: Finding, params: Sequence[Param] = ()) -> Estimate:
    rc = rule_cost(f.rule, f.category)
    if rc.shape == "none":
        return Estimate(Range(), "", "correctness" if f.category == "concurrency" else "resource", note=rc.note)
    if rc.shape == "wait":
        return Estimate(Range(), "", "latency", note=rc.note)
    op, keys = sum_pairs(rc.op), tuple(k for k, _ in rc.op)
    if rc.io:
        key = io_key(f)
        if key is None:
            return Estimate(Range(), "", "deadlock risk", note="waits on another goroutine with the lock held")
        op, keys = cost_range(key), (key,)
    # A finding that does not say which loops surround it (an older result) gets those its rule implies.
    loops = [""] * max(0, rc.loops - len(f.loops)) + list(f.loops)
    cost, dims, per, keys = _inner(rc, f, op, keys, loops, params)
    basis = "per iteration" if loops else "per call"  # loops left: those around the part priced
    if dims:
        basis += " at " + "=".join(_LETTERS[:dims]) + f"={N:,}"
    if per:
        basis = f"{basis}, {per}" if dims or loops else per
    power = dims + (1 if rc.shape == "concat" else 0)
    return Estimate(cost, basis, impact_of(cost), keys, N if dims else None, power, rc.note)


def _inner(rc: RuleCost, f: Finding, op: Range, keys: tuple[str, ...], loops: list[str],
           params: Sequence[Param]) -> tuple[Range, int, str, tuple[str, ...]]:
    """Price the innermost part of the pattern, taking the loops it covers off `loops`: (cost, dimensions
    stated at n = N, what the cost is per when it is per element, cost rows). Only one loop that walks the
    function's input, or the loops the pattern itself consists of, are stated at N: an estimate at
    n = 1,000 for every level of a four-deep nest would be fiction."""
    if rc.shape == "concat" and loops:  # quadratic in the appending loop's count, whatever it walks
        loops.pop()
        whole, keys = _appending(rc, op, keys)
        return whole, 1, "", keys
    if rc.shape == "growth" and loops:
        whole, keys = _appending(rc, op, keys)
        if walks_input(loops.pop(), params):
            return whole, 1, "", keys
        return whole * (1 / N), 0, "per element appended", keys
    if f.rule == "nested-loop-quadratic" and len(loops) >= 2:  # n·m comparisons: the pattern is two loops
        del loops[-2:]
        return op * (N * N), 2, "", keys
    if rc.shape == "sort":
        return op * (N * math.log2(N)), 1, "per sort", keys
    if rc.shape == "search" and f.callee:
        return op, 0, "per element searched", keys
    if loops and walks_input(loops[-1], params):
        loops.pop()
        return op * N, 1, "", keys
    if rc.shape == "loop" and loops:  # the flagged loop over something that is not the input: per element
        loops.pop()
        return op, 0, "per element", keys
    return op, 0, "", keys


_LETTERS = ("n", "m", "k", "j", "i")


def _appending(rc: RuleCost, op: Range, keys: tuple[str, ...]) -> tuple[Range, tuple[str, ...]]:
    """The whole appending loop at n = N: concat allocates n times and copies n²/2 elements; a slice
    regrows ~log₂n times and copies ~2n elements; a map rehashes every element on each doubling."""
    if rc.shape == "concat":
        built = rc.elem_bytes * N * N / 2  # every iteration copies into a new allocation all that came before
        return op * N + cost_range("copy_byte", built) + cost_range("garbage_byte", built), (
            *keys, "copy_byte", "garbage_byte")
    copied = cost_range("copy_byte", rc.elem_bytes * 2 * N)
    if keys == ("map_insert",):
        return op * N + copied, (*keys, "copy_byte")
    return op * math.log2(N) + copied, (*keys, "copy_byte")


def row_text(key: str) -> str:
    """'os.WriteFile 20 µs–2 ms': a cost-model row in a few words."""
    return f"{COSTS[key].label or key} {fmt_span(cost_range(key))}"
