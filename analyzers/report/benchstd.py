"""Standard-library types a generated benchmark knows how to build: a valid, usable value for each
(never a nil interface, nil map or nil pointer that the code would dereference).

Templates use `{i}` (the element index, a Go int expression) and `{q}` placeholders resolved to the
import's local name; `B` marks values that need the benchmark's *testing.B (temp dirs, servers) and can
only be built in a benchmark body, never inside a package-level element helper.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StdValue:
    template: str  # Go expression; {i} is the element index; {pkg} placeholders name imports
    imports: tuple[str, ...] = ()  # import paths the template needs, besides the type's own
    needs_b: bool = False  # uses `b` (a *testing.B): only in a benchmark body
    consumed: bool = False  # reading it uses it up: rebuild per iteration
    helpers: tuple[str, ...] = ()


# (import path, type as written after the qualifier, with a leading * for pointers) -> how to build it.
# {io} and the like are the local names of the imports, filled in by the caller.
STD_VALUES: dict[tuple[str, str], StdValue] = {
    ("context", "Context"): StdValue("{context}.Background()"),
    # A context's cancel function, held by what the context runs: cancelling nothing.
    ("context", "CancelFunc"): StdValue("func() {}"),
    ("context", "CancelCauseFunc"): StdValue("func(error) {}"),
    ("time", "Duration"): StdValue("{time}.Duration({i}+1) * {time}.Millisecond"),
    ("time", "Time"): StdValue("{time}.Unix(int64(1700000000+{i}), 0).UTC()"),
    ("time", "*Location"): StdValue("{time}.UTC"),
    ("time", "Month"): StdValue("{time}.Month({i}%12 + 1)"),
    ("time", "Weekday"): StdValue("{time}.Weekday({i} % 7)"),
    ("io", "Writer"): StdValue("{io}.Discard"),
    ("io", "StringWriter"): StdValue("new({strings}.Builder)", ("strings",)),
    ("io", "Reader"): StdValue("{strings}.NewReader(perfReviewKey({i}))", ("strings",), consumed=True,
                               helpers=("perfReviewKey",)),
    ("io", "ReadCloser"): StdValue("{io}.NopCloser({strings}.NewReader(perfReviewKey({i})))", ("strings",),
                                   consumed=True, helpers=("perfReviewKey",)),
    ("io", "ReadWriter"): StdValue("new({bytes}.Buffer)", ("bytes",)),
    ("io", "ByteReader"): StdValue("{strings}.NewReader(perfReviewKey({i}))", ("strings",), consumed=True,
                                   helpers=("perfReviewKey",)),
    ("io", "RuneReader"): StdValue("{strings}.NewReader(perfReviewKey({i}))", ("strings",), consumed=True,
                                   helpers=("perfReviewKey",)),
    ("io", "ReaderAt"): StdValue("{strings}.NewReader(perfReviewKey({i}))", ("strings",),
                                 helpers=("perfReviewKey",)),
    ("io", "WriteCloser"): StdValue("perfReviewNopWriteCloser{}", helpers=("perfReviewNopWriteCloser",)),
    ("io", "ByteWriter"): StdValue("new({bytes}.Buffer)", ("bytes",)),
    ("io", "Closer"): StdValue("{io}.NopCloser(nil)"),
    ("bytes", "*Buffer"): StdValue("{bytes}.NewBufferString(perfReviewKey({i}))", helpers=("perfReviewKey",)),
    ("bytes", "Buffer"): StdValue("{bytes}.Buffer{}"),
    ("bytes", "*Reader"): StdValue("{bytes}.NewReader([]byte(perfReviewKey({i})))", consumed=True,
                                   helpers=("perfReviewKey",)),
    ("strings", "*Builder"): StdValue("new({strings}.Builder)"),
    ("strings", "Builder"): StdValue("{strings}.Builder{}"),
    ("strings", "*Reader"): StdValue("{strings}.NewReader(perfReviewKey({i}))", consumed=True,
                                     helpers=("perfReviewKey",)),
    ("strings", "*Replacer"): StdValue('{strings}.NewReplacer("a", "b")'),
    ("bufio", "*Writer"): StdValue("{bufio}.NewWriter({io}.Discard)", ("io",)),
    ("bufio", "*Reader"): StdValue("{bufio}.NewReader({strings}.NewReader(perfReviewKey({i})+\"\\n\"))",
                                   ("strings",), consumed=True, helpers=("perfReviewKey",)),
    ("bufio", "*Scanner"): StdValue("{bufio}.NewScanner({strings}.NewReader(perfReviewKey({i})+\"\\n\"))",
                                    ("strings",), consumed=True, helpers=("perfReviewKey",)),
    ("bufio", "*ReadWriter"): StdValue(
        "{bufio}.NewReadWriter({bufio}.NewReader({strings}.NewReader(\"\")), {bufio}.NewWriter({io}.Discard))",
        ("strings", "io")),
    ("regexp", "*Regexp"): StdValue('{regexp}.MustCompile("k[0-9]+")'),
    ("sync", "*Mutex"): StdValue("new({sync}.Mutex)"),
    ("sync", "*RWMutex"): StdValue("new({sync}.RWMutex)"),
    ("sync", "*WaitGroup"): StdValue("new({sync}.WaitGroup)"),
    ("sync", "*Once"): StdValue("new({sync}.Once)"),
    ("sync", "*Pool"): StdValue("&{sync}.Pool{New: func() any { return new({bytes}.Buffer) }}", ("bytes",)),
    ("sync", "*Map"): StdValue("new({sync}.Map)"),
    ("net/url", "Values"): StdValue('{url}.Values{"k": {perfReviewKey({i})}}', helpers=("perfReviewKey",)),
    ("net/url", "*URL"): StdValue('&{url}.URL{Scheme: "http", Host: "example.com", Path: "/" + perfReviewKey({i})}',
                                  helpers=("perfReviewKey",)),
    ("net/url", "URL"): StdValue('{url}.URL{Scheme: "http", Host: "example.com", Path: "/" + perfReviewKey({i})}',
                                 helpers=("perfReviewKey",)),
    ("net/http", "Header"): StdValue('{http}.Header{"X-Perf-Review": {perfReviewKey({i})}}',
                                     helpers=("perfReviewKey",)),
    ("net/http", "ResponseWriter"): StdValue("{httptest}.NewRecorder()", ("net/http/httptest",)),
    ("net/http", "Handler"): StdValue("{http}.NotFoundHandler()"),
    ("net/http", "HandlerFunc"): StdValue("{http}.HandlerFunc(func({http}.ResponseWriter, *{http}.Request) {})"),
    ("net/http", "*Request"): StdValue('{httptest}.NewRequest("GET", "/"+perfReviewKey({i}), nil)',
                                       ("net/http/httptest",), helpers=("perfReviewKey",)),
    ("net/http", "*Cookie"): StdValue('&{http}.Cookie{Name: perfReviewKey({i}), Value: "v"}',
                                      helpers=("perfReviewKey",)),
    ("net/http", "*Client"): StdValue("new({http}.Client)"),
    ("net/http", "RoundTripper"): StdValue("{http}.DefaultTransport"),
    ("net/http", "Client"): StdValue("{http}.Client{}"),
    ("net/http", "*Response"): StdValue(
        '&{http}.Response{StatusCode: 200, Header: {http}.Header{}, '
        'Body: {io}.NopCloser({strings}.NewReader(perfReviewKey({i})))}', ("io", "strings"), consumed=True,
        helpers=("perfReviewKey",)),
    ("net/http/httptest", "*ResponseRecorder"): StdValue("{httptest}.NewRecorder()"),
    ("encoding/json", "*Encoder"): StdValue("{json}.NewEncoder({io}.Discard)", ("io",)),
    ("encoding/json", "RawMessage"): StdValue('{json}.RawMessage(`{"k":1}`)'),
    ("log", "*Logger"): StdValue('{log}.New({io}.Discard, "", 0)', ("io",)),
    ("log/slog", "*Logger"): StdValue("{slog}.New({slog}.NewTextHandler({io}.Discard, nil))", ("io",)),
    ("hash", "Hash"): StdValue("{fnv}.New64a()", ("hash/fnv",)),
    ("hash", "Hash64"): StdValue("{fnv}.New64a()", ("hash/fnv",)),
    ("hash", "Hash32"): StdValue("{fnv}.New32a()", ("hash/fnv",)),
    ("math/big", "*Int"): StdValue("{big}.NewInt(int64({i}) + 1)"),
    ("math/big", "*Float"): StdValue("{big}.NewFloat(float64({i}) + 0.5)"),
    ("math/rand", "*Rand"): StdValue("{rand}.New({rand}.NewSource(int64({i})))"),
    ("container/list", "*List"): StdValue("{list}.New()"),
    ("container/list", "List"): StdValue("{list}.List{}"),
    ("os", "*File"): StdValue("perfReviewTempFile(b)", needs_b=True, helpers=("perfReviewTempFile",)),
    # Typed: a variable declared from an untyped constant is an int, which a FileMode parameter rejects.
    ("os", "FileMode"): StdValue("{os}.FileMode(0o644)"),
    ("io/fs", "FileMode"): StdValue("{fs}.FileMode(0o644)"),
    ("reflect", "Type"): StdValue("{reflect}.TypeOf(struct {\n\tName string\n\tN    int\n}{perfReviewKey({i}), {i}})",
                                  helpers=("perfReviewKey",)),
    ("reflect", "Value"): StdValue("{reflect}.ValueOf(struct {\n\tName string\n\tN    int\n}{perfReviewKey({i}), {i}})",
                                   helpers=("perfReviewKey",)),
    ("unicode", "*RangeTable"): StdValue("{unicode}.Letter"),
    ("text/template", "*Template"): StdValue('{template}.Must({template}.New("t").Parse("{{.}}"))'),
    ("html/template", "*Template"): StdValue('{template}.Must({template}.New("t").Parse("{{.}}"))'),
    ("crypto/tls", "*Config"): StdValue("&{tls}.Config{}"),
    ("sort", "Interface"): StdValue("{sort}.StringSlice{perfReviewKey({i}), perfReviewKey({i} + 1)}",
                                    helpers=("perfReviewKey",)),
    ("fmt", "Stringer"): StdValue("{time}.Duration({i})", ("time",)),
    ("error", ""): StdValue('{errors}.New("perf-review: " + perfReviewKey({i}))', ("errors",),
                            helpers=("perfReviewKey",)),
    ("net", "IP"): StdValue("{net}.IPv4(10, 0, byte({i}>>8), byte({i}))"),
    ("net", "*IP"): StdValue(
        "func() *{net}.IP {\n\tip := {net}.IPv4(10, 0, byte({i}>>8), byte({i}))\n\treturn &ip\n}()"),
    ("net", "IPNet"): StdValue("{net}.IPNet{IP: {net}.IPv4(10, 0, 0, 0), Mask: {net}.CIDRMask(8, 32)}"),
    ("net", "*IPNet"): StdValue("&{net}.IPNet{IP: {net}.IPv4(10, 0, 0, 0), Mask: {net}.CIDRMask(8, 32)}"),
    ("sync", "*Cond"): StdValue("{sync}.NewCond(new({sync}.Mutex))"),
    ("sync", "Locker"): StdValue("new({sync}.Mutex)"),
    ("time", "*Timer"): StdValue("{time}.NewTimer({time}.Hour)"),
    ("time", "*Ticker"): StdValue("{time}.NewTicker({time}.Hour)"),
    ("hash/crc32", "*Table"): StdValue("{crc32}.MakeTable({crc32}.Castagnoli)"),
    ("hash/crc64", "*Table"): StdValue("{crc64}.MakeTable({crc64}.ECMA)"),
    ("io/fs", "FS"): StdValue('{fstest}.MapFS{perfReviewKey({i}): {Data: []byte(perfReviewKey({i}))}}',
                              ("testing/fstest",), helpers=("perfReviewKey",)),
    ("crypto/x509", "*CertPool"): StdValue("{x509}.NewCertPool()"),
    ("text/tabwriter", "*Writer"): StdValue("{tabwriter}.NewWriter({io}.Discard, 0, 8, 1, ' ', 0)", ("io",)),
    ("encoding/csv", "*Writer"): StdValue("{csv}.NewWriter({io}.Discard)", ("io",)),
    ("compress/gzip", "*Writer"): StdValue("{gzip}.NewWriter({io}.Discard)", ("io",)),
    ("compress/zlib", "*Writer"): StdValue("{zlib}.NewWriter({io}.Discard)", ("io",)),
    ("compress/flate", "*Writer"): StdValue(
        "func() *{flate}.Writer { w, _ := {flate}.NewWriter({io}.Discard, {flate}.DefaultCompression); return w }()",
        ("io",)),
    ("archive/tar", "*Writer"): StdValue("{tar}.NewWriter({io}.Discard)", ("io",)),
    ("archive/zip", "*Writer"): StdValue("{zip}.NewWriter({io}.Discard)", ("io",)),
    ("net/http", "*ServeMux"): StdValue("{http}.NewServeMux()"),
    ("net/http", "FileSystem"): StdValue(
        '{http}.FS({fstest}.MapFS{perfReviewKey({i}): {Data: []byte(perfReviewKey({i}))}})', ("testing/fstest",),
        helpers=("perfReviewKey",)),
    ("net/url", "*Userinfo"): StdValue('{url}.User(perfReviewKey({i}))', helpers=("perfReviewKey",)),
    ("os", "FileInfo"): StdValue("perfReviewFileInfo(b)", needs_b=True, helpers=("perfReviewFileInfo",)),
    ("io/fs", "FileInfo"): StdValue("perfReviewFileInfo(b)", needs_b=True, helpers=("perfReviewFileInfo",)),
    ("net/netip", "Addr"): StdValue("{netip}.AddrFrom4([4]byte{10, 0, byte({i} >> 8), byte({i})})"),
}

# Placeholder -> import path, for the names templates use (a type's own package is added by the caller).
STD_PATHS: dict[str, str] = {
    "context": "context", "time": "time", "io": "io", "strings": "strings", "bytes": "bytes", "bufio": "bufio",
    "regexp": "regexp", "sync": "sync", "url": "net/url", "http": "net/http", "httptest": "net/http/httptest",
    "json": "encoding/json", "log": "log", "slog": "log/slog", "fnv": "hash/fnv", "big": "math/big",
    "rand": "math/rand", "list": "container/list", "reflect": "reflect", "unicode": "unicode", "tls": "crypto/tls",
    "sort": "sort", "errors": "errors", "net": "net", "netip": "net/netip", "strconv": "strconv",
    "filepath": "path/filepath", "os": "os", "testing": "testing", "fmt": "fmt", "sync/atomic": "sync/atomic",
    "crc32": "hash/crc32", "crc64": "hash/crc64", "fstest": "testing/fstest", "x509": "crypto/x509",
    "tabwriter": "text/tabwriter", "csv": "encoding/csv", "gzip": "compress/gzip", "zlib": "compress/zlib",
    "flate": "compress/flate", "tar": "archive/tar", "zip": "archive/zip",
}

# Standard-library struct (or numeric) types whose zero value is ready to use.
STD_ZERO_OK: frozenset[tuple[str, str]] = frozenset({
    ("sync", "Mutex"), ("sync", "RWMutex"), ("sync", "WaitGroup"), ("sync", "Once"), ("sync", "Map"),
    ("sync", "Pool"), ("sync/atomic", "Int64"), ("sync/atomic", "Int32"), ("sync/atomic", "Uint64"),
    ("sync/atomic", "Uint32"), ("sync/atomic", "Bool"), ("sync/atomic", "Value"), ("sync/atomic", "Pointer"),
    ("strings", "Builder"), ("bytes", "Buffer"), ("net/http", "Client"), ("net/http", "Server"),
    ("net/http", "Transport"), ("encoding/json", "Number"),
})

# Standard-library interface types among the above: a field of one can be nil and must not be.
STD_INTERFACES: frozenset[tuple[str, str]] = frozenset({
    ("context", "Context"), ("io", "Writer"), ("io", "StringWriter"), ("io", "Reader"), ("io", "ReadCloser"),
    ("io", "ReadWriter"), ("io", "ByteReader"), ("io", "RuneReader"), ("io", "ReaderAt"), ("io", "WriteCloser"),
    ("io", "ByteWriter"), ("io", "Closer"), ("net/http", "ResponseWriter"), ("net/http", "Handler"),
    ("hash", "Hash"), ("hash", "Hash64"), ("hash", "Hash32"), ("sort", "Interface"), ("fmt", "Stringer"),
    ("reflect", "Type"), ("net/http", "RoundTripper"), ("sync", "Locker"), ("io/fs", "FS"), ("os", "FileInfo"),
    ("io/fs", "FileInfo"), ("net/http", "FileSystem"),
    ("context", "CancelFunc"), ("context", "CancelCauseFunc"),  # func types: nil until set too
})
