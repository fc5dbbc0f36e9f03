package sleeppolling

import (
	"context"
	"sync/atomic"
	"time"
)

type Drainer struct {
	conns atomic.Int32
}

// A non-blocking cancellation check does not make a poll loop right.
func (s *Drainer) Drain(ctx context.Context) error {
	for s.conns.Load() > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		time.Sleep(10 * time.Millisecond) // want "polling with time.Sleep"
	}
	return nil
}

// Near-miss: the select waits on a work channel; the loop does work.
func (s *Drainer) Pump(ctx context.Context, work <-chan int, handle func(int)) {
	for s.conns.Load() > 0 {
		select {
		case w := <-work:
			handle(w)
		default:
		}
		time.Sleep(10 * time.Millisecond)
	}
}
