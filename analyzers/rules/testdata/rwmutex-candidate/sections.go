package rwmutexcandidate

import (
	"encoding/json"
	"errors"
	"sync"
)

// Each critical section is decided on its own: Remove's early unlock does not hide Lookup.
type Leases struct {
	mu     sync.Mutex
	byID   map[int64]string
	expiry map[int64]int64
}

func (l *Leases) Lookup(id int64) string {
	l.mu.Lock() // want "read-only section on sync.Mutex Leases.mu"
	defer l.mu.Unlock()
	return l.byID[id]
}

func (l *Leases) Remove(id int64) bool {
	l.mu.Lock()
	if _, ok := l.byID[id]; !ok {
		l.mu.Unlock()
		return false
	}
	delete(l.byID, id)
	delete(l.expiry, id)
	l.mu.Unlock()
	return true
}

var errUnknown = errors.New("unknown service")

// An RWMutex read with Lock, an early unlock on the miss path, an error built from constants.
type Health struct {
	mu     sync.RWMutex
	status map[string]int
}

func (h *Health) Check(name string) (int, error) {
	h.mu.Lock() // want "takes the write lock of sync.RWMutex Health.mu"
	s, ok := h.status[name]
	if !ok {
		h.mu.Unlock()
		return 0, errors.Join(errUnknown, errors.New(name))
	}
	h.mu.Unlock()
	return s, nil
}

func (h *Health) Set(name string, s int) {
	h.mu.Lock()
	h.status[name] = s
	h.mu.Unlock()
}

// Fields copied into locals under an RWMutex's write lock.
type Target struct {
	mtx    sync.RWMutex
	labels map[string]string
	params map[string][]string
}

func (t *Target) Params() map[string][]string {
	t.mtx.Lock() // want "RLock/RUnlock lets them run in parallel"
	params := t.params
	t.mtx.Unlock()
	return params
}

func (t *Target) SetLabels(l map[string]string) {
	t.mtx.Lock()
	t.labels = l
	t.mtx.Unlock()
}

// A snapshot marshalled under a Mutex, and a copy into a local map.
type Store struct {
	mu sync.Mutex
	kv map[string]string
}

func (s *Store) Snapshot() ([]byte, error) {
	s.mu.Lock() // want "read-only section on sync.Mutex Store.mu"
	defer s.mu.Unlock()
	return json.Marshal(s.kv)
}

func (s *Store) All() map[string]string {
	out := make(map[string]string)
	s.mu.Lock() // want "read-only section on sync.Mutex Store.mu"
	defer s.mu.Unlock()
	for k, v := range s.kv {
		out[k] = v
	}
	return out
}

func (s *Store) Put(k, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kv[k] = v
}

// Near-miss: the section calls a method of the receiver; what it does is not visible here.
func (s *Store) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keysLocked()
}

func (s *Store) keysLocked() []string {
	keys := make([]string, 0, len(s.kv))
	for k := range s.kv {
		keys = append(keys, k)
	}
	return keys
}

// Near-miss: guarded state handed to a function that could change it.
func (s *Store) Visit(visit func(map[string]string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	visit(s.kv)
}

// Near-miss: a method of a value read from guarded state.
type entry struct{ hits int }

func (e *entry) touch() { e.hits++ }

type Entries struct {
	mu sync.Mutex
	m  map[string]*entry
}

func (c *Entries) Touch(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[k]
	e.touch()
}

func (c *Entries) Add(k string) {
	c.mu.Lock()
	c.m[k] = &entry{}
	c.mu.Unlock()
}

// Near-miss: an empty Lock/Unlock barrier waits for readers; it reads nothing.
func (t *Target) Drain() {
	t.mtx.Lock()
	t.mtx.Unlock() //nolint:staticcheck // a barrier
}

type subscriber interface{ OnMessage(string) }

type PubSub struct {
	mu   sync.Mutex
	subs map[subscriber]bool
	last string
}

// Near-miss: the callback runs under the lock on purpose, to keep a subscriber's messages in order.
func (p *PubSub) deliver(s subscriber, msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.subs[s] {
		return
	}
	s.OnMessage(msg)
}

func (p *PubSub) Publish(msg string) {
	p.mu.Lock()
	p.last = msg
	p.mu.Unlock()
}
