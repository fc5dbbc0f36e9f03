package mutexcopy

import (
	"sync"
	"sync/atomic"
)

type Counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c Counter) Get(k string) int { // want "value receiver copies Counter"
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k]
}

func (c *Counter) Inc(k string) {
	c.mu.Lock()
	c.n[k]++
	c.mu.Unlock()
}

type Stats struct {
	hits   atomic.Int64
	misses atomic.Int64
}

type Server struct {
	stats  Stats
	shards []Counter
	byName map[string]Counter
}

func report(s Stats) int64 { // want "parameter passes Stats"
	return s.hits.Load() + s.misses.Load()
}

func startAll(wg sync.WaitGroup, n int) { // want "parameter passes sync.WaitGroup"
	for i := 0; i < n; i++ {
		wg.Add(1)
	}
}

func (s *Server) Total(k string) int {
	total := 0
	for _, c := range s.shards { // want "range copies each Counter"
		total += c.n[k]
	}
	return total
}

func (s *Server) Names() []string {
	var out []string
	for name, c := range s.byName { // want "range copies each Counter"
		if len(c.n) > 0 {
			out = append(out, name)
		}
	}
	return out
}

func snapshot(p *Counter) map[string]int {
	cp := *p // want "assignment copies a Counter"
	return cp.n
}

func (s *Server) Snapshot() Stats {
	return s.stats // want "return copies a Stats"
}

func clone(src *Counter) int {
	var dst Counter = *src // want "declaration copies a Counter"
	return len(dst.n)
}

// Near-miss: pointer receivers and pointer parameters.
func (c *Counter) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.n)
}

func reportPtr(s *Stats) int64 {
	return s.hits.Load()
}

// Near-miss: constructing a fresh value with &T{} and returning a composite literal.
func NewCounter() *Counter {
	return &Counter{n: map[string]int{}}
}

func zeroStats() Stats {
	return Stats{}
}

// Near-miss: range by index and take the address.
func (s *Server) TotalByIndex(k string) int {
	total := 0
	for i := range s.shards {
		c := &s.shards[i]
		total += c.n[k]
	}
	return total
}

// Near-miss: a struct holding a pointer to its mutex can be copied safely.
type Handle struct {
	mu   *sync.Mutex
	name string
}

func (h Handle) Name() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.name
}

func describe(h Handle) string {
	return h.Name()
}

// Near-miss: plain structs without locks are copied freely.
type Point struct{ X, Y int }

func (p Point) Add(q Point) Point {
	r := p
	r.X += q.X
	r.Y += q.Y
	return r
}
