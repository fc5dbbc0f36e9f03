"""Fixed helper functions a generated benchmark file may need, written into it only when used.

Each entry: name -> (Go source with {pkg} placeholders for import names, import paths, helpers it calls).
"""

from __future__ import annotations

FIXED_HELPERS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "perfReviewKey": (
        "// perfReviewKey is the i-th distinct key: every string built for element i is this one, so keys,\n"
        "// foreign keys and lookups of element i match as they do with real data.\n"
        'func perfReviewKey(i int) string {\n\treturn "k" + {strconv}.Itoa(i)\n}\n',
        ("strconv",), (),
    ),
    "perfReviewPC": (
        "// perfReviewPC is a program counter of this file's code, which runtime.FuncForPC resolves.\n"
        "func perfReviewPC() uintptr {\n\tpc, _, _, _ := {runtime}.Caller(0)\n\treturn pc\n}\n",
        ("runtime",), (),
    ),
    "perfReviewText": (
        "// perfReviewText returns n bytes of text (letters, no separators).\n"
        "func perfReviewText(n int) string {\n\tb := make([]byte, n)\n\tfor i := range b {\n"
        "\t\tb[i] = 'a' + byte(i%26)\n\t}\n\treturn string(b)\n}\n",
        (), (),
    ),
    "perfReviewJoin": (
        "// perfReviewJoin returns n distinct keys joined by sep, each one wrapped in before and after.\n"
        "func perfReviewJoin(n int, sep, before, after string) string {\n\tparts := make([]string, n)\n"
        "\tfor i := range parts {\n\t\tparts[i] = before + perfReviewKey(i) + after\n\t}\n"
        "\treturn {strings}.Join(parts, sep)\n}\n",
        ("strings",), ("perfReviewKey",),
    ),
    "perfReviewSlice": (
        "// perfReviewSlice returns n elements, element i made by elem(i).\n"
        "func perfReviewSlice[T any](n int, elem func(int) T) []T {\n\ts := make([]T, n)\n\tfor i := range s {\n"
        "\t\ts[i] = elem(i)\n\t}\n\treturn s\n}\n",
        (), (),
    ),
    "perfReviewMap": (
        "// perfReviewMap returns a map of n entries, key(i) to value(i).\n"
        "func perfReviewMap[K comparable, V any](n int, key func(int) K, value func(int) V) map[K]V {\n"
        "\tm := make(map[K]V, n)\n\tfor i := 0; i < n; i++ {\n\t\tm[key(i)] = value(i)\n\t}\n\treturn m\n}\n",
        (), (),
    ),
    "perfReviewGuard": (
        "// perfReviewGuard turns a panic in the measured code into a failure of this benchmark alone,\n"
        "// so one bad input does not abort the whole `go test -bench` run. A panic in the set-up, before\n"
        "// perfReviewTimed, skips the benchmark instead: its input could not be built, so it measures\n"
        "// nothing, and says so. Call it with defer.\n"
        "func perfReviewGuard(b {testing}.TB, what string) {\n\tif r := recover(); r != nil {\n"
        "\t\tif _, timed := perfReviewTimedBenchmarks.Load(b); !timed {\n"
        '\t\t\tperfReviewUnbuilt(b, "set-up panicked", {fmt}.Errorf("%v", r))\n\t\t}\n'
        '\t\tb.Fatalf("perf-review: %s panicked: %v", what, r)\n\t}\n}\n',
        ("testing", "fmt"), ("perfReviewUnbuilt", "perfReviewTimed"),
    ),
    "perfReviewTimed": (
        "// perfReviewTimedBenchmarks holds the benchmarks whose set-up is done (perfReviewTimed): a panic\n"
        "// after it is the measured code's.\n"
        "var perfReviewTimedBenchmarks {sync}.Map\n\n"
        "// perfReviewTimed marks the end of a benchmark's set-up: the timed loop follows.\n"
        "func perfReviewTimed(b {testing}.TB) {\n\tperfReviewTimedBenchmarks.Store(b, true)\n}\n",
        ("testing", "sync"), (),
    ),
    "perfReviewUnbuilt": (
        "// perfReviewUnbuilt skips a benchmark whose input could not be built (a constructor rejected the\n"
        "// generated arguments): that measures nothing, and is no failure of the measured code. It says\n"
        "// so on stderr too: go test shows a benchmark's skip only with -v.\n"
        "func perfReviewUnbuilt(b {testing}.TB, what string, err error) {\n"
        '\tmsg := {fmt}.Sprintf("perf-review: %s skipped: could not build the input: %s: %v", b.Name(), what, err)\n'
        "\t{fmt}.Fprintln({os}.Stderr, msg)\n\tb.Skip(msg)\n}\n",
        ("testing", "fmt", "os"), (),
    ),
    "perfReviewSized": (
        "// perfReviewSized runs bench as the sub-benchmarks n=<size> of perfReviewSizes, each guarded\n"
        "// against panics (perfReviewGuard) and reporting allocations.\n"
        "func perfReviewSized(b *{testing}.B, what string, bench func(b *{testing}.B, n int)) {\n"
        "\tfor _, n := range perfReviewSizes {\n\t\tb.Run(\"n=\"+{strconv}.Itoa(n), func(b *{testing}.B) {\n"
        "\t\t\tdefer perfReviewGuard(b, what)\n\t\t\tb.ReportAllocs()\n\t\t\tbench(b, n)\n\t\t})\n\t}\n}\n",
        ("testing", "strconv"), ("perfReviewGuard",),
    ),
    "perfReviewWorkerGuard": (
        "// perfReviewWorkerGuard is perfReviewGuard for b.RunParallel workers, which may not call Fatal.\n"
        "func perfReviewWorkerGuard(b {testing}.TB, what string) {\n\tif r := recover(); r != nil {\n"
        '\t\tb.Errorf("perf-review: %s panicked: %v", what, r)\n\t}\n}\n',
        ("testing",), (),
    ),
    "perfReviewServer": (
        "// perfReviewServer is a local HTTP server answering every request with body.\n"
        "func perfReviewServer(b {testing}.TB, body string) *{httptest}.Server {\n"
        "\tsrv := {httptest}.NewServer({http}.HandlerFunc(func(w {http}.ResponseWriter, r *{http}.Request) {\n"
        "\t\t_, _ = {io}.WriteString(w, body)\n\t}))\n\tb.Cleanup(srv.Close)\n\treturn srv\n}\n",
        ("testing", "net/http/httptest", "net/http", "io"), (),
    ),
    "perfReviewTempFile": (
        "// perfReviewTempFile is an empty file in the benchmark's temporary directory, closed at the end.\n"
        "func perfReviewTempFile(b {testing}.TB) *{os}.File {\n"
        '\tf, err := {os}.Create({filepath}.Join(b.TempDir(), "perf-review.out"))\n'
        "\tif err != nil {\n\t\tb.Fatal(err)\n\t}\n\tb.Cleanup(func() { _ = f.Close() })\n\treturn f\n}\n",
        ("testing", "os", "path/filepath"), (),
    ),
    "perfReviewFileInfo": (
        "// perfReviewFileInfo describes a small file in the benchmark's temporary directory.\n"
        "func perfReviewFileInfo(b {testing}.TB) {fs}.FileInfo {\n"
        '\tname := {filepath}.Join(b.TempDir(), "perf-review.dat")\n'
        '\tif err := {os}.WriteFile(name, []byte("perf-review"), 0o600); err != nil {\n\t\tb.Fatal(err)\n\t}\n'
        "\tinfo, err := {os}.Stat(name)\n\tif err != nil {\n\t\tb.Fatal(err)\n\t}\n\treturn info\n}\n",
        ("testing", "io/fs", "os", "path/filepath"), (),
    ),
    "perfReviewNopWriteCloser": (
        "// perfReviewNopWriteCloser discards what is written to it.\n"
        "type perfReviewNopWriteCloser struct{}\n\n"
        "func (perfReviewNopWriteCloser) Write(p []byte) (int, error) { return len(p), nil }\n\n"
        "func (perfReviewNopWriteCloser) Close() error { return nil }\n",
        (), (),
    ),
}
