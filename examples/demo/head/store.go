// Package inventory is the bundled example for `make demo`: a small service whose head commit
// introduces the kinds of regressions perf-review exists to catch.
package inventory

import (
	"encoding/json"
	"os"
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

// Put stores an item and persists the whole store.
func (s *Store) Put(it Item) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items[it.SKU] = it
	data, err := json.Marshal(s.items)
	if err != nil {
		return err
	}
	return os.WriteFile(s.path, data, 0o600)
}

// Render writes one line per item.
func Render(items []Item) string {
	out := ""
	for _, it := range items {
		out += it.SKU + " " + it.Name + "\n"
	}
	return out
}

// TotalQuantity returns the number of units in stock across items.
func TotalQuantity(items []Item) int {
	total := 0
	for _, item := range items {
		total += item.Quantity
	}
	return total
}
