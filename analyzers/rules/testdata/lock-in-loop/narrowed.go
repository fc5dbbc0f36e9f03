package lockinloop

import (
	"strings"
	"sync"
)

func score(s string) int { return len(strings.Repeat(s, 3)) }

// Near-miss: the worker narrows the lock around the shared write so that score runs unlocked.
func ParallelScore(parts [][]string) map[string]int {
	var mu sync.Mutex
	out := map[string]int{}
	var wg sync.WaitGroup
	for _, part := range parts {
		wg.Add(1)
		go func(part []string) {
			defer wg.Done()
			for _, w := range part {
				s := score(w)
				mu.Lock()
				out[w] = s
				mu.Unlock()
			}
		}(part)
	}
	wg.Wait()
	return out
}

type Tally struct {
	mu sync.Mutex
	m  map[string]int
}

// Cheap standard-library work outside the lock does not justify a lock per item.
func (t *Tally) AddAll(words []string) {
	for _, w := range words {
		k := strings.ToLower(w)
		t.mu.Lock() // want "t.mu.Lock per iteration"
		t.m[k]++
		t.mu.Unlock()
	}
}
