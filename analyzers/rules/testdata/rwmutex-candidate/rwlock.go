package rwmutexcandidate

import "sync"

// An RWMutex whose read-only section takes the write lock.
type Dir struct {
	mu    sync.RWMutex
	names map[string]int
}

func (d *Dir) Lookup(n string) (int, bool) {
	d.mu.Lock() // want "read-only section takes the write lock of sync.RWMutex Dir.mu"
	defer d.mu.Unlock()
	v, ok := d.names[n]
	return v, ok
}

func (d *Dir) Add(n string, v int) {
	d.mu.Lock()
	d.names[n] = v
	d.mu.Unlock()
}

// Near-miss: reads already take RLock.
type Routes struct {
	mu sync.RWMutex
	m  map[string]string
}

func (r *Routes) Get(k string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.m[k]
}

func (r *Routes) Set(k, v string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[k] = v
}
