// Package clean is code a careful Go engineer writes: perf-review must stay quiet on all of it.
package clean

import (
	"container/list"
	"sync"
	"sync/atomic"
)

// Cache is a read-mostly map guarded by an RWMutex.
type Cache struct {
	mu    sync.RWMutex
	items map[string][]byte
	hits  atomic.Int64
}

// NewCache returns an empty cache.
func NewCache(size int) *Cache {
	return &Cache{items: make(map[string][]byte, size)}
}

// Get returns a cached value.
func (c *Cache) Get(key string) ([]byte, bool) {
	c.mu.RLock()
	v, ok := c.items[key]
	c.mu.RUnlock()
	if ok {
		c.hits.Add(1)
	}
	return v, ok
}

// Set stores a value.
func (c *Cache) Set(key string, v []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[key] = v
}

// SetMany stores values under one lock acquisition.
func (c *Cache) SetMany(kv map[string][]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, v := range kv {
		c.items[k] = v
	}
}

// LRU moves entries on every Get, so its Get writes: a plain Mutex is right.
type LRU struct {
	mu    sync.Mutex
	order *list.List
	index map[string]*list.Element
}

// Get returns a value and marks it recently used.
func (l *LRU) Get(key string) (any, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.index[key]
	if !ok {
		return nil, false
	}
	l.order.MoveToFront(e)
	return e.Value, true
}

// Add inserts a value.
func (l *LRU) Add(key string, v any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.index[key] = l.order.PushFront(v)
}
