package atomiccandidate

import "sync"

// An ID generator: increment then read the new value, what atomic Add returns.
type IDGen struct {
	mu   sync.Mutex
	next uint64
}

func (g *IDGen) Next() uint64 {
	g.mu.Lock() // want "g.mu guards only the counter g.next"
	g.next++
	id := g.next
	g.mu.Unlock()
	return id
}

// Near-miss: the new value is used together with another field.
type Seq struct {
	mu   sync.Mutex
	n    uint64
	last string
}

func (s *Seq) Next(tag string) uint64 {
	s.mu.Lock()
	s.n++
	s.last = tag
	id := s.n
	s.mu.Unlock()
	return id
}
