package atomiccandidate

import "sync"

type Counter struct {
	mu sync.Mutex
	n  int64
}

func (c *Counter) Inc() {
	c.mu.Lock() // want "c.mu guards only the counter c.n: atomic.Int64"
	c.n++
	c.mu.Unlock()
}

func (c *Counter) Add(d int64) {
	c.mu.Lock() // want "guards only the counter c.n"
	defer c.mu.Unlock()
	c.n += d
}

func (c *Counter) Value() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func (c *Counter) Reset() {
	c.mu.Lock()
	c.n = 0
	c.mu.Unlock()
}

type Requests struct {
	sync.RWMutex
	served uint64
}

func (r *Requests) Served() {
	r.Lock() // want "r guards only the counter r.served"
	r.served++
	r.Unlock()
}

func (r *Requests) Total() uint64 {
	r.RLock()
	v := r.served
	r.RUnlock()
	return v
}

// Near-miss: the mutex also guards a map.
type Hits struct {
	mu    sync.Mutex
	total int
	byKey map[string]int
}

func (h *Hits) Inc(k string) {
	h.mu.Lock()
	h.total++
	h.byKey[k]++
	h.mu.Unlock()
}

func (h *Hits) Total() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total
}

// Near-miss: check-then-act across two fields.
type Limiter struct {
	mu       sync.Mutex
	inFlight int
	max      int
}

func (l *Limiter) TryAcquire() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inFlight >= l.max {
		return false
	}
	l.inFlight++
	return true
}

func (l *Limiter) Release() {
	l.mu.Lock()
	l.inFlight--
	l.mu.Unlock()
}

// Near-miss: two counters under one lock are read together consistently.
type Pair struct {
	mu     sync.Mutex
	ok     int
	failed int
}

func (p *Pair) Success() {
	p.mu.Lock()
	p.ok++
	p.mu.Unlock()
}

func (p *Pair) Failure() {
	p.mu.Lock()
	p.failed++
	p.mu.Unlock()
}

// Near-miss: a string field is not an atomic integer.
type Status struct {
	mu   sync.Mutex
	text string
}

func (s *Status) Set(t string) {
	s.mu.Lock()
	s.text = t
	s.mu.Unlock()
}

var (
	statsMu  sync.Mutex
	requests int
)

func countRequest() {
	statsMu.Lock() // want "statsMu guards only the counter requests"
	requests++
	statsMu.Unlock()
}

func requestCount() int {
	statsMu.Lock()
	defer statsMu.Unlock()
	return requests
}

// Near-miss: a package-level mutex guarding a counter and a slice.
var (
	logMu    sync.Mutex
	logCount int
	logLines []string
)

func logLine(s string) {
	logMu.Lock()
	logCount++
	logLines = append(logLines, s)
	logMu.Unlock()
}
