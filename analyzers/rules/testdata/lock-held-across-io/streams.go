package lockio

import (
	"net"
	"os"
	"sync"
)

// Near-miss: a writer type whose mutex only serialises its own file.
type SyncFile struct {
	mu sync.Mutex
	f  *os.File
}

func (s *SyncFile) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.f.Write(p)
}

// Near-miss: frames on one connection must not interleave.
type FrameConn struct {
	mu   sync.Mutex
	conn net.Conn
}

func (c *FrameConn) SendFrame(hdr, payload []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.conn.Write(hdr); err != nil {
		return err
	}
	_, err := c.conn.Write(payload)
	return err
}

// The same connection write is flagged when the mutex also guards other state.
type Session struct {
	mu    sync.Mutex
	conn  net.Conn
	state map[string]string
}

func (s *Session) Set(k, v string) {
	s.mu.Lock()
	s.state[k] = v
	s.mu.Unlock()
}

func (s *Session) Send(msg []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.conn.Write(msg) // want "s.conn.Write while s.mu is held"
	return err
}

// Near-miss: a mutex only Drain takes serialises drains; waiting for the workers under it holds up
// nobody but another Drain (grpc's profiling CircularBuffer.drainMutex).
type Ring struct {
	drainMu sync.Mutex
	mu      sync.Mutex
	queues  []chan int
	items   []int
}

func (r *Ring) Drain() []int {
	r.drainMu.Lock()
	defer r.drainMu.Unlock()
	var wg sync.WaitGroup
	for _, q := range r.queues {
		wg.Add(1)
		go func(q chan int) { defer wg.Done(); <-q }(q)
	}
	wg.Wait()
	return nil
}

// The same wait under a mutex that other methods take too is flagged.
func (r *Ring) Flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done() }()
	wg.Wait() // want "wg.Wait while r.mu is held"
}

func (r *Ring) Push(x int) {
	r.mu.Lock()
	r.items = append(r.items, x)
	r.mu.Unlock()
}
