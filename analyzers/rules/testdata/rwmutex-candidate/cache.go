package rwmutexcandidate

import (
	"container/list"
	"sync"
)

type Cache struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (c *Cache) Get(k string) ([]byte, bool) {
	c.mu.Lock() // want "read-only section on sync.Mutex Cache.mu: readers serialize"
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *Cache) Has(k string) bool {
	c.mu.Lock() // want "readers serialize"
	_, ok := c.m[k]
	c.mu.Unlock()
	return ok
}

// Near-miss: a one-field getter is a few ns under either lock.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

func (c *Cache) Set(k string, v []byte) {
	c.mu.Lock()
	c.m[k] = v
	c.mu.Unlock()
}

func (c *Cache) Delete(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, k)
}

type Registry struct {
	sync.Mutex
	handlers map[string]func()
	names    []string
}

func (r *Registry) Lookup(name string) func() {
	r.Lock() // want "Registry.Mutex"
	defer r.Unlock()
	return r.handlers[name]
}

func (r *Registry) Register(name string, h func()) {
	r.Lock()
	defer r.Unlock()
	r.handlers[name] = h
	r.names = append(r.names, name)
}

// Near-miss: already an RWMutex.
type Config struct {
	mu   sync.RWMutex
	vals map[string]string
}

func (c *Config) Get(k string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.vals[k]
}

func (c *Config) Set(k, v string) {
	c.mu.Lock()
	c.vals[k] = v
	c.mu.Unlock()
}

// Near-miss: an LRU moves the element on Get: every section writes.
type LRU struct {
	mu    sync.Mutex
	ll    *list.List
	items map[string]*list.Element
}

func (l *LRU) Get(k string) (any, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.items[k]
	if !ok {
		return nil, false
	}
	l.ll.MoveToFront(e)
	return e.Value, true
}

func (l *LRU) Add(k string, v any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items[k] = l.ll.PushFront(v)
}

// Near-miss: every section writes (a queue).
type Queue struct {
	mu    sync.Mutex
	items []int
}

func (q *Queue) Push(x int) {
	q.mu.Lock()
	q.items = append(q.items, x)
	q.mu.Unlock()
}

func (q *Queue) Pop() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return 0, false
	}
	x := q.items[0]
	q.items = q.items[1:]
	return x, true
}

// Near-miss: a stats getter that counts its own reads is not read-only.
type Table struct {
	mu    sync.Mutex
	rows  map[int]string
	reads int
}

func (t *Table) Row(id int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.reads++
	return t.rows[id]
}

func (t *Table) Put(id int, s string) {
	t.mu.Lock()
	t.rows[id] = s
	t.mu.Unlock()
}

var (
	cacheMu sync.Mutex
	cache   = map[string]string{}
)

func lookup(k string) (string, bool) {
	cacheMu.Lock() // want "read-only section on sync.Mutex cacheMu"
	defer cacheMu.Unlock()
	v, ok := cache[k]
	return v, ok
}

func store(k, v string) {
	cacheMu.Lock()
	cache[k] = v
	cacheMu.Unlock()
}

// Near-miss: a package-level mutex whose only section writes.
var (
	seenMu sync.Mutex
	seen   = map[string]bool{}
)

func markSeen(k string) bool {
	seenMu.Lock()
	defer seenMu.Unlock()
	if seen[k] {
		return false
	}
	seen[k] = true
	return true
}

// Near-miss (etcd's urlPicker): the read indexes guarded state with a guarded cursor; the section
// is a few ns and RWMutex would not help.
type urlPicker struct {
	mu     sync.Mutex
	urls   []string
	picked int
}

func (p *urlPicker) pick() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.urls[p.picked]
}

func (p *urlPicker) unreachable(u string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if u == p.urls[p.picked] {
		p.picked = (p.picked + 1) % len(p.urls)
	}
}
