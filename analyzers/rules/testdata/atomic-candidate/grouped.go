package atomiccandidate

import "sync"

// The lock and its counter grouped in an anonymous struct field.
type Server struct {
	name  string
	stats struct {
		sync.Mutex
		requests uint64
	}
}

func (s *Server) Handle() {
	s.stats.Lock() // want "s.stats guards only the counter s.stats.requests"
	s.stats.requests++
	s.stats.Unlock()
}

func (s *Server) Requests() uint64 {
	s.stats.Lock()
	defer s.stats.Unlock()
	return s.stats.requests
}

// Near-miss: the grouped mutex also guards a map.
type Router struct {
	routes struct {
		sync.Mutex
		hits  int
		paths map[string]int
	}
}

func (r *Router) Hit(p string) {
	r.routes.Lock()
	r.routes.hits++
	r.routes.paths[p]++
	r.routes.Unlock()
}

// A mutex local to a function, guarding a total that goroutines add to.
func Ingest(shards [][]int, ingest func([]int) uint64) uint64 {
	var mu sync.Mutex
	var total uint64
	var wg sync.WaitGroup
	for _, shard := range shards {
		wg.Add(1)
		go func(batch []int) {
			defer wg.Done()
			n := ingest(batch)
			mu.Lock() // want "mu guards only the counter total"
			total += n
			mu.Unlock()
		}(shard)
	}
	wg.Wait()
	return total
}

// Near-miss: the local mutex guards a slice as well as a count.
func Gather(shards [][]int, ingest func([]int) uint64) ([]uint64, int) {
	var mu sync.Mutex
	var sizes []uint64
	count := 0
	var wg sync.WaitGroup
	for _, shard := range shards {
		wg.Add(1)
		go func(batch []int) {
			defer wg.Done()
			n := ingest(batch)
			mu.Lock()
			count++
			sizes = append(sizes, n)
			mu.Unlock()
		}(shard)
	}
	wg.Wait()
	return sizes, count
}
