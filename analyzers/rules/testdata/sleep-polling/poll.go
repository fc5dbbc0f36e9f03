package sleeppolling

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

type Server struct {
	ready   atomic.Bool
	started int32
	mu      sync.Mutex
	queue   []int
	closed  bool
}

func (s *Server) WaitReady() {
	for !s.ready.Load() {
		time.Sleep(10 * time.Millisecond) // want "polling with time.Sleep\(10 \* time.Millisecond\) until !s.ready.Load\(\)"
	}
}

func (s *Server) WaitStarted() {
	for atomic.LoadInt32(&s.started) == 0 {
		time.Sleep(time.Millisecond) // want "polling with time.Sleep"
	}
}

func (s *Server) WaitDrained() {
	for {
		s.mu.Lock()
		n := len(s.queue)
		s.mu.Unlock()
		if n == 0 {
			break
		}
		time.Sleep(50 * time.Millisecond) // want "until n == 0"
	}
}

func (s *Server) WaitClosed(isClosed func() bool) {
	for !isClosed() {
		time.Sleep(time.Second) // want "until !isClosed\(\)"
	}
}

var errUnavailable = errors.New("unavailable")

func op() error { return errUnavailable }

// Near-miss: a retry loop with backoff around an operation that can fail.
func Retry() error {
	var err error
	backoff := 10 * time.Millisecond
	for attempt := 0; attempt < 5; attempt++ {
		if err = op(); err == nil {
			break
		}
		time.Sleep(backoff)
		backoff *= 2
	}
	return err
}

// Near-miss: a retry loop written with an infinite loop.
func RetryForever() {
	for {
		err := op()
		if err == nil {
			return
		}
		time.Sleep(time.Second)
	}
}

// Near-miss: a periodic job does work each tick.
func (s *Server) Flush(ctx context.Context, flush func([]int)) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.mu.Lock()
			q := s.queue
			s.queue = nil
			s.mu.Unlock()
			flush(q)
		}
	}
}

// Near-miss: a sleep loop doing real work every iteration.
func (s *Server) Janitor(clean func()) {
	for !s.ready.Load() {
		clean()
		time.Sleep(time.Minute)
	}
}

// Near-miss: a countdown, not a wait for another goroutine.
func Countdown(n int, tick func(int)) {
	for n > 0 {
		time.Sleep(time.Second)
		n--
	}
	tick(n)
}

// Near-miss: waiting is done with a channel close.
func (s *Server) WaitCh(ready <-chan struct{}) {
	<-ready
	s.ready.Store(true)
}

// Near-miss: a deadline loop that polls an external state with a timeout.
func WaitDeadline(deadline time.Time, check func() bool) bool {
	for time.Now().Before(deadline) {
		if check() {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

func (s *Server) WaitClosedLocked() {
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		time.Sleep(100 * time.Millisecond) // want "until s.closed"
	}
}
