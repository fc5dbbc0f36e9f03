package mutexcopy

import "sync"

type Gauge struct {
	mu sync.Mutex
	v  float64
}

// The copy is reported once, where it is made; returning that copy is the same mistake.
func snapshotGauge(g *Gauge) Gauge {
	cp := *g // want "assignment copies a Gauge with its lock"
	return cp
}

func gaugeValue(g *Gauge) float64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.v
}
