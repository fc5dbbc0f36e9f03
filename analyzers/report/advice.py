"""What the review says about each rule: the section it belongs to, the fix, the expected change
(allocations, complexity, SIMD speed-up) and the risk of applying the fix.

Speed-ups and allocation changes are estimates from the cost model (see costs.py), never measured.
"""

# ruff: noqa: RUF001  (typographic dashes and signs in review text are deliberate)

from __future__ import annotations

from dataclasses import dataclass, replace

Section = str  # "memory" | "algorithm" | "simd" | "concurrency" | "other"


@dataclass(frozen=True)
class Risk:
    text: str
    probability: str  # low / medium / high
    impact: str
    mitigation: str


@dataclass(frozen=True)
class Advice:
    section: Section
    why: str
    fix: str
    alloc_change: str = ""  # memory: expected allocation change
    before: str = ""  # algorithm: complexity today
    after: str = ""  # algorithm: complexity after the fix
    simd_with: str = ""  # simd: the vectorised replacement
    speedup: tuple[int, int] = (0, 0)  # simd: estimated speed-up range for large inputs
    fix_risk: Risk | None = None


_POOL_RISK = Risk(
    "a reused buffer keeps its peak size, and anything that kept a slice of it sees the next use's bytes",
    "low",
    "memory held longer; data overwritten",
    "reset before reuse (`buf = buf[:0]`), copy out what must outlive the iteration, drop oversized buffers",
)
_PREALLOC_RISK = Risk(
    "a capacity from a length that overcounts (the loop filters) holds memory the result never uses",
    "low",
    "memory over-allocated per call",
    "size from the input you iterate (`len(xs)`), not a guess",
)
# The SIMD replacements keep the result; their small-input caveat is in the SIMD section.
_SIMD_RISK = None
_LOCK_RISK = Risk(
    "every access to the field must move to the new primitive, or a data race remains",
    "medium",
    "data race if a field is left unguarded",
    "run the package tests with `-race` and keep every access to the field on the same primitive",
)

ADVICE: dict[str, Advice] = {
    "slice-prealloc": Advice(
        "memory",
        "append grows the slice by doubling: ~log₂(n) reallocations and copies",
        "preallocate: `make([]T, 0, len(src))`",
        "~log₂(n) growth allocations per call → 1",
        fix_risk=_PREALLOC_RISK,
    ),
    "map-prealloc": Advice(
        "memory",
        "the map rehashes each time it grows",
        "size it up front: `make(map[K]V, len(src))`",
        "~log₂(n) growth allocations and rehashes per call → 1",
        fix_risk=_PREALLOC_RISK,
    ),
    "string-concat-loop": Advice(
        "memory",
        "each `+=` allocates a new string and copies everything built so far",
        "build with `strings.Builder` (and `Grow`)",
        "1 allocation per iteration (n per call) → ~1–2 per call",
        before="O(n²) bytes copied",
        after="O(n) bytes copied",
    ),
    "sprintf-simple": Advice(
        "memory",
        "fmt.Sprintf parses its format and boxes its arguments on every call",
        "use `strconv` or plain concatenation",
        "1–2 allocations per call → 0–1",
    ),
    "write-string-conversion": Advice(
        "memory",
        "`[]byte(s)` copies the string into a new allocation before writing",
        "use `io.WriteString(w, s)`",
        "1 allocation per call → 0",
    ),
    "regexp-compile-in-func": Advice(
        "memory",
        "the pattern is compiled on every call",
        "compile once into a package-level `var re = regexp.MustCompile(…)`",
        "~10–40 allocations per call → 0",
    ),
    "bytes-string-conversion": Advice(
        "memory",
        "converting back and forth copies the data twice",
        "stay in one type: use the `bytes` or `strings` function that takes what you have",
        "2 allocations per call → 0",
    ),
    "equal-fold": Advice(
        "memory",
        "ToLower/ToUpper allocate a copy of both strings",
        "use `strings.EqualFold(a, b)`",
        "up to 2 allocations per call → 0",
    ),
    "rune-slice-conversion": Advice(
        "memory",
        "`[]rune(s)` allocates 4 bytes per character",
        "range over the string (it decodes runes)",
        "1 allocation of 4×len per call → 0",
    ),
    "defer-in-loop": Advice(
        "memory",
        "deferred calls pile up until the function returns, holding their resources",
        "move the loop body into a function so each defer runs per iteration",
        "1 defer record per iteration → 0",
        fix_risk=Risk(
            "the extracted function changes error handling",
            "low",
            "a missed error return",
            "return the error from the helper and check it in the loop",
        ),
    ),
    "make-in-loop": Advice(
        "memory",
        "a fresh buffer is allocated every iteration",
        "allocate once before the loop and reuse it (`buf = buf[:0]`)",
        "1 allocation per iteration → 1 per call",
        fix_risk=_POOL_RISK,
    ),
    "reflection-in-loop": Advice(
        "memory",
        "reflection-based encoding per element costs microseconds and allocates",
        "encode once outside the loop, reuse one Encoder, or write the fields directly",
        "~2 allocations per iteration → amortised",
    ),
    "range-value-copy": Advice(
        "memory",
        "ranging by value copies the whole struct each iteration",
        "range by index: `for i := range xs { x := &xs[i] … }`",
        "no allocation change; copies per iteration → 0",
    ),
    "huge-param": Advice(
        "memory",
        "the large struct is copied on every call",
        "pass a pointer",
        "no allocation change; one struct copy per call → 0",
    ),
    "sync-pool-non-pointer": Advice(
        "memory",
        "putting a non-pointer into sync.Pool allocates to box it",
        "pool pointers (`*bytes.Buffer`, `*[]byte`)",
        "1 allocation per Put → 0",
        fix_risk=_POOL_RISK,
    ),
    "unbuffered-write-loop": Advice(
        "memory",
        "each small write is a system call",
        "wrap the writer in `bufio.NewWriter` and `Flush` once",
        "no allocation change; ~1 syscall per iteration → ~1 per 4 KB",
    ),
    "unbounded-read-all": Advice(
        "memory",
        "reads the whole input into memory, growing by doubling",
        "stream it, or cap it with `io.LimitReader`",
        "memory ∝ input size → bounded",
    ),
    "lock-in-loop": Advice(
        "concurrency", "lock/unlock on every iteration", "take the lock once around the loop, or batch the updates"
    ),
    "lock-held-across-io": Advice(
        "concurrency",
        "other goroutines wait for the whole I/O while the lock is held",
        "copy what you need under the lock, release it, then do the I/O",
        fix_risk=_LOCK_RISK,
    ),
    "mutex-copy": Advice(
        "concurrency", "a copied mutex no longer guards the original data", "pass and store the struct by pointer"
    ),
    "atomic-candidate": Advice(
        "concurrency", "a mutex around a single counter", "use `atomic.Int64` (Add/Load)", fix_risk=_LOCK_RISK
    ),
    "rwmutex-candidate": Advice(
        "concurrency",
        "readers serialise behind one another",
        "use `sync.RWMutex` with `RLock` for the read-only paths",
        fix_risk=Risk(
            "RWMutex is slower than Mutex when writes dominate",
            "medium",
            "higher latency under write load",
            "benchmark with b.RunParallel at your read/write mix",
        ),
    ),
    "goroutine-per-item": Advice(
        "concurrency",
        "one goroutine per element: unbounded memory and scheduler load",
        "bound the fan-out: a fixed worker pool or `errgroup.SetLimit(runtime.GOMAXPROCS(0))`",
    ),
    "goroutine-leak-sender": Advice(
        "concurrency",
        "the sender blocks forever when the receiver gives up",
        "give the channel a buffer of 1 (or select on ctx.Done())",
    ),
    "time-after-in-loop": Advice(
        "concurrency", "a new timer per iteration", "create one `time.NewTimer` and `Reset` it"
    ),
    "sleep-polling": Advice(
        "concurrency",
        "polling with Sleep adds latency and wakes up for nothing",
        "wait on a channel, `sync.Cond` or a ticker with a context",
    ),
    "http-client-per-call": Advice(
        "concurrency",
        "a new client per call loses connection reuse",
        "share one `*http.Client` (it is safe for concurrent use)",
    ),
    "http-body-not-closed": Advice(
        "concurrency", "an unclosed body leaks the connection", "`defer resp.Body.Close()` after the error check"
    ),
    "nested-loop-quadratic": Advice(
        "algorithm",
        "every element of one collection is compared with every element of the other",
        "index one side in a map, then look up",
        before="O(n·m)",
        after="O(n+m) with a map",
        fix_risk=Risk(
            "a map is slower than the loop for tiny inputs",
            "low",
            "a few hundred ns when n·m < ~100",
            "benchmark the smallest realistic size",
        ),
    ),
    "linear-search-in-loop": Advice(
        "algorithm",
        "a linear search inside a loop",
        "build a map (or sort + binary search) once before the loop",
        before="O(n·m)",
        after="O(n+m) with a map",
    ),
    "sort-in-loop": Advice(
        "algorithm",
        "sorting on every iteration",
        "sort once after the loop, or keep a heap",
        before="O(k·n log n)",
        after="O(n log n)",
    ),
    "prepend-in-loop": Advice(
        "algorithm",
        "prepending copies the whole slice every iteration",
        "append, then reverse once (`slices.Reverse`)",
        before="O(n²)",
        after="O(n)",
    ),
    "db-call-in-loop": Advice(
        "algorithm",
        "one database round trip per element (N+1 queries)",
        "fetch in one query (`IN (…)`, a join or a batch)",
        before="O(n) round trips",
        after="O(1) round trips",
    ),
    "byte-loop-search": Advice(
        "simd",
        "a hand-written byte search",
        "use `bytes.IndexByte` / `strings.IndexByte`",
        simd_with="bytes.IndexByte",
        speedup=(4, 16),
        fix_risk=_SIMD_RISK,
    ),
    "byte-loop-count": Advice(
        "simd",
        "a hand-written byte count",
        "use `bytes.Count` / `strings.Count`",
        simd_with="bytes.Count",
        speedup=(4, 16),
        fix_risk=_SIMD_RISK,
    ),
    "byte-loop-compare": Advice(
        "simd",
        "a hand-written byte comparison",
        "use `bytes.Equal` (not in constant-time code: use crypto/subtle there)",
        simd_with="bytes.Equal",
        speedup=(2, 8),
        fix_risk=_SIMD_RISK,
    ),
    "copy-loop": Advice(
        "simd",
        "an element-by-element copy",
        "use the built-in `copy(dst, src)`",
        simd_with="copy",
        speedup=(2, 10),
        fix_risk=_SIMD_RISK,
    ),
}

# What applying each fix can break (semantics, ordering, memory, API), where it can break anything.
_FIX_RISKS: dict[str, Risk] = {
    "regexp-compile-in-func": Risk("a package-level regexp is built at start-up: a pattern that can fail must "
                                   "use `MustCompile` only when it is a constant", "low", "panic at init",
                                   "keep patterns built from arguments where they are"),
    "equal-fold": Risk("`strings.EqualFold` folds Unicode cases: it also matches `ſ` with `s` and the Kelvin sign "
                       "with `k`, which lowercase comparison did not", "low", "more matches",
                       "keep ASCII-only comparisons where identifiers must match exactly"),
    "rune-slice-conversion": Risk("`s[i]` indexes bytes where `[]rune(s)[i]` indexed characters", "medium",
                                  "wrong positions on non-ASCII text", "range over the string for rune positions"),
    "reflection-in-loop": Risk("a hand-written encoder drifts from the struct's tags and fields", "medium",
                               "wrong output after a struct change", "test the output against json.Marshal"),
    "range-value-copy": Risk("ranging by index aliases the element: a write through it now changes the slice",
                             "low", "changed data", "keep the loop read-only"),
    "huge-param": Risk("a pointer lets the callee modify the caller's struct and can move it to the heap",
                       "low", "shared mutation, an allocation", "keep the callee read-only; check `-gcflags=-m`"),
    "unbuffered-write-loop": Risk("buffered output is lost unless `Flush` runs (and is checked) on every path",
                                  "medium", "truncated output", "defer a checked Flush, or flush before return"),
    "unbounded-read-all": Risk("a size limit rejects large bodies that were accepted before", "medium",
                               "requests refused", "pick the limit from real traffic and answer 413"),
    "lock-in-loop": Risk("one lock around the whole loop holds it longer: other goroutines wait for the loop",
                         "low", "longer waits", "batch in chunks when the loop is long"),
    "lock-held-across-io": Risk("I/O outside the lock can overlap and finish out of order (an older snapshot "
                                "overwrites a newer one)", "medium", "stale data written",
                                "serialise writers on their own mutex, or check a version"),
    "goroutine-per-item": Risk("a bounded pool changes ordering and adds back-pressure: producers wait for free "
                               "workers", "low", "slower start of each item", "size the pool from GOMAXPROCS"),
    "goroutine-leak-sender": Risk("with a buffer of 1 a result nobody reads is dropped silently", "low",
                                  "lost result", "log or count abandoned results"),
    "time-after-in-loop": Risk("a reused timer must be stopped (and drained before Go 1.23) before `Reset`",
                               "medium", "spurious timeouts", "follow the `time.Timer.Reset` documentation"),
    "sleep-polling": Risk("waiting on a channel needs every writer of the flag to signal it", "medium",
                          "a missed wake-up blocks forever", "close a channel once, where the flag is set"),
    "http-client-per-call": Risk("a shared client shares its timeouts and transport settings across callers",
                                 "low", "one caller's settings for all", "build one client per set of settings"),
    "nested-loop-quadratic": Risk("a map keeps one element per key: where the inner side repeats a key the loop "
                                  "matched each, the map matches one", "medium",
                                  "fewer or different results", "check that keys are unique, or map to a slice"),
    "linear-search-in-loop": Risk("a map or set costs memory and its build time; below ~10–20 elements the scan is "
                                  "faster", "low", "slower on tiny inputs", "benchmark the smallest realistic size"),
    "sort-in-loop": Risk("code inside the loop no longer sees sorted data", "medium", "wrong results",
                         "check nothing in the loop relies on the order"),
    "db-call-in-loop": Risk("one query for all keys returns rows in any order and can hit query-size limits",
                            "medium", "mismatched rows", "match rows by key; batch in chunks of a few hundred"),
    "copy-loop": Risk("`copy` handles overlapping slices like memmove; a forward loop over an overlap did not",
                      "low", "different data on overlap", "check the slices cannot overlap"),
}

ADVICE = {rule: replace(adv, fix_risk=_FIX_RISKS.get(rule, adv.fix_risk)) for rule, adv in ADVICE.items()}

_CATEGORY_SECTION = {"alloc": "memory", "concurrency": "concurrency", "complexity": "algorithm", "simd": "simd"}


def advice_for(rule: str, category: str) -> Advice:
    found = ADVICE.get(rule)
    if found is not None:
        return found
    return Advice(_CATEGORY_SECTION.get(category, "other"), "see the rule's documentation", "see the finding's message")
