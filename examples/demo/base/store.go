// Package inventory is the bundled example for `make demo`: a small service whose head commit
// introduces the kinds of regressions perf-review exists to catch.
package inventory

import (
	"strings"
	"sync"
)

// Item is one stock-keeping unit.
type Item struct {
	SKU      string
	Name     string
	Quantity int
	Tags     []string
}

// Store keeps items in memory behind a mutex.
type Store struct {
	mu    sync.Mutex
	items map[string]Item
	path  string
}

// NewStore returns an empty store that persists to path.
func NewStore(path string) *Store {
	return &Store{items: make(map[string]Item), path: path}
}

// Get returns the item with the given SKU.
func (s *Store) Get(sku string) (Item, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[sku]
	return it, ok
}

// Put stores an item.
func (s *Store) Put(it Item) {
	s.mu.Lock()
	s.items[it.SKU] = it
	s.mu.Unlock()
}

// Render writes one line per item.
func Render(items []Item) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(it.SKU)
		b.WriteByte(' ')
		b.WriteString(it.Name)
		b.WriteByte('\n')
	}
	return b.String()
}

// TotalQuantity returns the number of units across items.
func TotalQuantity(items []Item) int {
	n := 0
	for _, it := range items {
		n += it.Quantity
	}
	return n
}
