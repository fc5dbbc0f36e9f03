package mutexcopy

import (
	"sync"
	"sync/atomic"
)

type shard struct {
	mu    sync.Mutex
	items map[string]int
}

type ring struct {
	shards [4]shard
}

type registry struct {
	byName map[string]*shard
	cache  sync.Map
}

func snapshotShards(r *ring) [4]shard {
	out := r.shards // want "copies"
	return out
}

func collect(a, b *shard) []shard {
	return []shard{*a, *b} // want "literal copies"
}

func index(s *shard) map[string]shard {
	return map[string]shard{"primary": *s} // want "literal copies"
}

func pointers(a, b *shard) []*shard {
	return []*shard{a, b}
}

func fresh() []shard {
	return []shard{{items: map[string]int{}}, {}}
}

func byName(r *registry, names []string) map[string]*shard {
	out := make(map[string]*shard, len(names))
	for _, n := range names {
		out[n] = r.byName[n]
	}
	return out
}

func lookupAll(c sync.Map, keys []string) int { // want "by value"
	n := 0
	for _, k := range keys {
		if _, ok := c.Load(k); ok {
			n++
		}
	}
	return n
}

func lookupShared(c *sync.Map, key string) bool {
	_, ok := c.Load(key)
	return ok
}

type config struct{ name string }

var current atomic.Value

func currentConfig() config {
	v := current
	c, _ := v.Load().(config)
	return c
}
