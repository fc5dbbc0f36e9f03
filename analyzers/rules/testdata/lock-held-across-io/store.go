package lockio

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"time"
)

type Cache struct {
	mu     sync.Mutex
	client *http.Client
	data   map[string][]byte
	path   string
	db     *sql.DB
	conn   net.Conn
	events chan string
	wg     sync.WaitGroup
}

func (c *Cache) Refresh(req *http.Request) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	resp, err := c.client.Do(req) // want "c.client.Do while c.mu is held"
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body) // want "io.ReadAll while c.mu is held"
	if err != nil {
		return err
	}
	c.data[req.URL.Path] = body
	return nil
}

func (c *Cache) Save(key string) error {
	c.mu.Lock()
	v := c.data[key]
	err := os.WriteFile(c.path, v, 0o644) // want "os.WriteFile while c.mu is held"
	c.mu.Unlock()
	return err
}

func (c *Cache) Count(ctx context.Context) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var n int
	err := c.db.QueryRowContext(ctx, "SELECT count(*) FROM items").Scan(&n) // want "QueryRowContext while c.mu is held"
	return n, err
}

func (c *Cache) Publish(ev string) {
	c.mu.Lock()
	c.data[ev] = nil
	c.events <- ev // want "channel send while c.mu is held"
	c.mu.Unlock()
}

func (c *Cache) Flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wg.Wait() // want "c.wg.Wait while c.mu is held"
}

func (c *Cache) Ping(msg []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.conn.Write(msg) // want "c.conn.Write while c.mu is held"
	return err
}

type Poller struct {
	mu    sync.RWMutex
	state string
	done  chan struct{}
}

func (p *Poller) Wait() {
	p.mu.RLock()
	defer p.mu.RUnlock()
	for p.state != "ready" {
		time.Sleep(10 * time.Millisecond) // want "time.Sleep while p.mu is read-locked"
	}
}

func (p *Poller) Next(updates <-chan string) {
	p.mu.Lock()
	select { // want "select without default while p.mu is held"
	case s := <-updates:
		p.state = s
	case <-p.done:
	}
	p.mu.Unlock()
}

func (p *Poller) Take(updates <-chan string) {
	p.mu.Lock()
	p.state = <-updates // want "channel receive while p.mu is held"
	p.mu.Unlock()
}

// Near-miss: the data is copied out under the lock and written after Unlock.
func (c *Cache) SaveCopy(key string) error {
	c.mu.Lock()
	v := append([]byte(nil), c.data[key]...)
	c.mu.Unlock()
	return os.WriteFile(c.path, v, 0o644)
}

// Near-miss: a non-blocking notification (select with default).
func (c *Cache) Notify(ev string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.data[ev] = nil
	select {
	case c.events <- ev:
	default:
	}
}

// Near-miss: in-memory work only.
func (c *Cache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.data[key]
	return v, ok
}

// Near-miss: early-exit unlock before the fetch; the lock is not held during I/O.
func (c *Cache) Fetch(url string) ([]byte, error) {
	c.mu.Lock()
	if v, ok := c.data[url]; ok {
		c.mu.Unlock()
		return v, nil
	}
	c.mu.Unlock()
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// Near-miss: unlock around the slow call, relock afterwards.
func (c *Cache) Reload(keys []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range keys {
		c.mu.Unlock()
		b, err := os.ReadFile(k)
		c.mu.Lock()
		if err == nil {
			c.data[k] = b
		}
	}
}

// Near-miss: sync.Cond.Wait releases the lock while waiting.
type Queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []int
}

func (q *Queue) Pop() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	x := q.items[0]
	q.items = q.items[1:]
	return x
}

// Near-miss: a logger serialises writes to an io.Writer on purpose.
type Logger struct {
	mu  sync.Mutex
	out io.Writer
}

func (l *Logger) Print(b []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.out.Write(b)
}

// Near-miss: the goroutine does the I/O later, without the lock.
func (c *Cache) Prefetch(url string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
		}
	}()
}

// Near-miss: results channel sized for every send, made right here.
func (c *Cache) Keys() []string {
	c.mu.Lock()
	out := make(chan string, len(c.data))
	for k := range c.data {
		out <- k
	}
	c.mu.Unlock()
	close(out)
	var keys []string
	for k := range out {
		keys = append(keys, k)
	}
	return keys
}

type Runner struct {
	mu   sync.Mutex
	last []byte
}

func (r *Runner) Run(name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	cmd := exec.Command(name)
	out, err := cmd.Output() // want "cmd.Output while r.mu is held"
	r.last = out
	return err
}

func (c *Cache) Download(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	b, err := io.ReadAll(resp.Body) // want "io.ReadAll while c.mu is held"
	c.data[url] = b
	return err
}

// Near-miss: in-memory readers and builders under the lock.
func (c *Cache) Join(key string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	var buf bytes.Buffer
	buf.Write(c.data[key])
	b, _ := io.ReadAll(bytes.NewReader(buf.Bytes()))
	return b
}

// Near-miss: a mutex that exists to serialise writes to one file.
type Journal struct {
	writeMu sync.Mutex
	f       *os.File
}

func (j *Journal) Append(rec []byte) error {
	j.writeMu.Lock()
	defer j.writeMu.Unlock()
	if _, err := j.f.Write(rec); err != nil {
		return err
	}
	return j.f.Sync()
}

// The same file writes under a mutex that guards the whole store are flagged.
type Store struct {
	mu sync.Mutex
	m  map[string][]byte
	f  *os.File
}

func (s *Store) Put(k string, v []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
	if _, err := s.f.Write(v); err != nil { // want "s.f.Write while s.mu is held"
		return err
	}
	return s.f.Sync() // want "s.f.Sync while s.mu is held"
}
