package lockinloop

import (
	"os"
	"sync"
	"time"
)

type Item struct {
	ID   string
	Size int
}

type Index struct {
	mu    sync.RWMutex
	items map[string]Item
	total int
}

func (x *Index) AddAll(items []Item) {
	for _, it := range items {
		x.mu.Lock() // want "x.mu.Lock per iteration of the loop over items"
		x.items[it.ID] = it
		x.total += it.Size
		x.mu.Unlock()
	}
}

func (x *Index) Sizes(ids []string) []int {
	out := make([]int, 0, len(ids))
	for i := 0; i < len(ids); i++ {
		x.mu.RLock() // want "x.mu.RLock per iteration"
		out = append(out, x.items[ids[i]].Size)
		x.mu.RUnlock()
	}
	return out
}

var (
	regMu    sync.Mutex
	registry = map[string]int{}
)

func register(names map[string]int) {
	for name, v := range names {
		if v == 0 {
			continue
		}
		regMu.Lock() // want "regMu.Lock per iteration"
		registry[name] = v
		regMu.Unlock()
	}
}

func (x *Index) Remove(ids []string) {
	for _, id := range ids {
		func() {
			x.mu.Lock() // want "x.mu.Lock per iteration of the loop over ids"
			defer x.mu.Unlock()
			delete(x.items, id)
		}()
	}
}

// Near-miss: the lock is taken once around the loop.
func (x *Index) AddAllBatched(items []Item) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, it := range items {
		x.items[it.ID] = it
	}
}

// Near-miss: a worker loop over a channel: items arrive one by one and cannot be batched.
func (x *Index) Consume(in <-chan Item) {
	for it := range in {
		x.mu.Lock()
		x.items[it.ID] = it
		x.mu.Unlock()
	}
}

// Near-miss: an infinite worker loop receiving jobs.
func (x *Index) Worker(jobs chan Item, quit chan struct{}) {
	for {
		select {
		case it := <-jobs:
			x.mu.Lock()
			x.items[it.ID] = it
			x.mu.Unlock()
		case <-quit:
			return
		}
	}
}

// Near-miss: file I/O between iterations happens outside the lock on purpose.
func (x *Index) LoadFiles(paths []string) error {
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		x.mu.Lock()
		x.items[p] = Item{ID: p, Size: len(b)}
		x.mu.Unlock()
	}
	return nil
}

// Near-miss: a paced loop sleeps between iterations so other goroutines get the lock.
func (x *Index) Drain(ids []string) {
	for _, id := range ids {
		x.mu.Lock()
		delete(x.items, id)
		x.mu.Unlock()
		time.Sleep(time.Millisecond)
	}
}

// Near-miss: a different mutex per item (sharded map).
type shard struct {
	mu sync.Mutex
	m  map[string]int
}

func resetAll(shards []*shard) {
	for _, s := range shards {
		s.mu.Lock()
		s.m = map[string]int{}
		s.mu.Unlock()
	}
}

func resetByIndex(shards []shard) {
	for i := range shards {
		shards[i].mu.Lock()
		shards[i].m = nil
		shards[i].mu.Unlock()
	}
}

// Near-miss: a handful of fixed keys.
func (x *Index) Defaults() {
	for _, id := range []string{"a", "b"} {
		x.mu.Lock()
		x.items[id] = Item{ID: id}
		x.mu.Unlock()
	}
}

type stripe struct {
	sync.Mutex
	pending bool
}

// Near-miss: a different series' lock each iteration; it cannot be taken once around the loop.
func CommitAll(series []*stripe) {
	var s *stripe
	for i := range series {
		s = series[i]
		s.Lock()
		s.pending = false
		s.Unlock()
	}
}

// Near-miss: a striped lock indexed by the loop variable.
type striped struct {
	locks []sync.Mutex
	sizes []int
}

func (t *striped) Reset() {
	for i := 0; i < len(t.locks); i++ {
		t.locks[i].Lock()
		t.sizes[i] = 0
		t.locks[i].Unlock()
	}
}
