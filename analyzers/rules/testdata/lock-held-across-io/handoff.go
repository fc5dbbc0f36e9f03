package lockio

import (
	"sync"
	"time"
)

type result struct {
	val int
	err error
}

// Near-miss: a one-shot hand-off. deliver sends the result and closes the channel under w.mu;
// cancel drains what was already delivered under the same lock, so the receive cannot wait.
type waiter struct {
	mu     sync.Mutex
	done   bool
	result chan result // made with capacity 1
}

func newWaiter() *waiter { return &waiter{result: make(chan result, 1)} }

func (w *waiter) deliver(r result) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return false
	}
	w.done = true
	w.result <- r
	close(w.result)
	return true
}

func (w *waiter) cancel() (int, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		if r, ok := <-w.result; ok {
			return r.val, true
		}
		return 0, false
	}
	close(w.result)
	w.done = true
	return 0, false
}

// Near-miss: a deadline whose timer closes the cancel channel; set waits for a fired timer's
// callback to finish before replacing the channel, and closes it itself under the same lock.
type deadline struct {
	mu     sync.Mutex
	timer  *time.Timer
	cancel chan struct{}
}

func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil && !d.timer.Stop() {
		<-d.cancel // the timer fired: wait for its callback to close cancel
	}
	d.timer = nil
	if dur := time.Until(t); dur > 0 {
		d.cancel = make(chan struct{})
		d.timer = time.AfterFunc(dur, func() { close(d.cancel) })
		return
	}
	close(d.cancel)
}

// Hit: a cache holds its lock while waiting for a worker's answer; the worker sends without the
// lock, so every reader of the cache waits for the computation.
type memo struct {
	mu      sync.Mutex
	entries map[string]int
	reqs    chan string
	answers chan int
}

func (m *memo) worker() {
	for k := range m.reqs {
		m.answers <- len(k)
	}
}

func (m *memo) Get(key string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.entries[key]; ok {
		return v
	}
	m.reqs <- key    // want "channel send while m.mu is held"
	v := <-m.answers // want "channel receive while m.mu is held"
	m.entries[key] = v
	return v
}

// Hit: the result channel belongs to the request, not to the struct whose lock is held.
type call struct{ done chan int }

func (m *memo) Await(c *call) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := <-c.done // want "channel receive while m.mu is held"
	m.entries["last"] = v
	return v
}

// Hit: the channel is signalled by the struct, but under a different mutex.
type stage struct {
	mu     sync.Mutex
	sendMu sync.Mutex
	out    chan int
	count  int
}

func (s *stage) emit(v int) {
	s.sendMu.Lock()
	s.out <- v
	s.sendMu.Unlock()
}

func (s *stage) Next() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count++
	return <-s.out // want "channel receive while s.mu is held"
}
