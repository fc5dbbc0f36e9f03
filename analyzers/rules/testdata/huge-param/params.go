package hugeparam

import (
	"fmt"
	"time"
)

// Request is 16*6 + 24*2 + 8 + 64 = 216 bytes.
type Request struct {
	Method    string
	Path      string
	Host      string
	UserAgent string
	Referer   string
	RemoteIP  string
	Started   time.Time
	Deadline  time.Time
	Size      int64
	Trace     [8]uint64
}

// Snapshot is 8 KiB.
type Snapshot struct {
	Version uint64
	Pages   [1024]uint64
}

type Point struct{ X, Y int }

type Options struct {
	Name    string
	Retries int
}

func logLine(req Request) string { // want "req Request is passed by value, copying 216 bytes per call; pass \*Request"
	return req.Method + " " + req.Path + " " + req.RemoteIP
}

func (s Snapshot) Checksum() uint64 { // want "value receiver s Snapshot copies 8200 bytes per call"
	var sum uint64
	for _, p := range s.Pages {
		sum ^= p
	}
	return sum ^ s.Version
}

func diff(a, b Snapshot) int { // want "a, b Snapshot is passed by value, copying 8200 bytes"
	n := 0
	for i := range a.Pages {
		if a.Pages[i] != b.Pages[i] {
			n++
		}
	}
	return n
}

type server struct{ hits int }

func (s *server) route(id int, req Request) bool { // want "req Request is passed by value"
	s.hits++
	return id > 0 && req.Deadline.After(req.Started)
}

// Near-miss: the fix, a pointer.
func logLineFixed(req *Request) string {
	return req.Method + " " + req.Path
}

// Near-miss: pointer receiver.
func (s *Snapshot) Bump() { s.Version++ }

// Near-miss: small structs by value are idiomatic.
func add(a, b Point) Point { return Point{a.X + b.X, a.Y + b.Y} }

func describe(o Options) string { return fmt.Sprintf("%s/%d", o.Name, o.Retries) }

// Near-miss: the function relies on its own copy.
func withDefaults(req Request) Request {
	if req.Method == "" {
		req.Method = "GET"
	}
	return req
}

// Near-miss: conventional value receiver for fmt.Stringer.
func (r Request) String() string { return r.Method + " " + r.Path }

// Near-miss: a constructor taking its configuration once.
func NewSnapshotFrom(s Snapshot) *Snapshot { return &s }

// Near-miss: interface parameter.
func show(v fmt.Stringer) string { return v.String() }

// Near-miss: a function literal whose signature is imposed by its caller.
func visit(reqs []Request, fn func(Request)) {
	for i := range reqs {
		fn(reqs[i])
	}
}

var _ = func() { visit(nil, func(r Request) { _ = r.Path }) }

type requestStore struct{ byPath map[string]Request }

// Near-miss: the whole value is stored (containerd's sandbox Store.Add): a pointer would be copied from.
func (s *requestStore) add(r Request) {
	s.byPath[r.Path] = r
}

// Near-miss: appended whole.
func keep(rs []Request, r Request) []Request {
	return append(rs, r)
}

// Hit: only a field is stored.
func (s *requestStore) addPath(r Request) { // want "r Request is passed by value, copying 216 bytes per call"
	s.byPath[r.Path] = Request{Path: r.Path}
}
