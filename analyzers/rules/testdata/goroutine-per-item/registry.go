package goperitem

import (
	"net"
	"net/http"
	"sync"
)

type scrapeConfig struct{ Interval int }

type scrapePool struct {
	mu  sync.Mutex
	cfg scrapeConfig
}

func (sp *scrapePool) Sync(cfg scrapeConfig) {
	sp.mu.Lock()
	sp.cfg = cfg
	sp.mu.Unlock()
}

// Near-miss: the manager's registry of scrape pools, one per configured job: each pool is a
// long-lived object and the number of pools is set by configuration, not by request data.
type scrapeManager struct {
	scrapePools map[string]*scrapePool
}

func (m *scrapeManager) Reload(cfg scrapeConfig) {
	var wg sync.WaitGroup
	for _, sp := range m.scrapePools {
		wg.Add(1)
		go func(sp *scrapePool) {
			defer wg.Done()
			sp.Sync(cfg)
		}(sp)
	}
	wg.Wait()
}

// Near-miss: closing every open connection of a test server concurrently.
type testServer struct {
	mu    sync.Mutex
	conns map[net.Conn]http.ConnState
}

func (s *testServer) closeConn(c net.Conn, done chan<- struct{}) {
	_ = c.Close()
	done <- struct{}{}
}

func (s *testServer) CloseClientConnections() {
	s.mu.Lock()
	done := make(chan struct{}, len(s.conns))
	for c := range s.conns {
		go s.closeConn(c, done)
	}
	n := len(s.conns)
	s.mu.Unlock()
	for i := 0; i < n; i++ {
		<-done
	}
}

// Hit: a handler starts one goroutine per URL of the request.
type proxy struct{ client *http.Client }

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	urls := r.URL.Query()["u"]
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) { // want "one goroutine per item of urls"
			defer wg.Done()
			if resp, err := p.client.Get(u); err == nil {
				_ = resp.Body.Close()
			}
		}(u)
	}
	wg.Wait()
	w.WriteHeader(http.StatusNoContent)
}

// Hit: the collection of objects comes from the caller (a batch), not from the receiver's registry.
type job struct{ id int }

type runner struct{ done chan int }

func (r *runner) run(j *job) { r.done <- j.id }

func (r *runner) RunBatch(batch []*job) {
	for _, j := range batch {
		go r.run(j) // want "one goroutine per item of batch"
	}
}

// Hit: the receiver's field holds plain records (one e-mail per subscriber), not live objects.
type newsletter struct{ subscribers []string }

func (n *newsletter) mail(addr string) { _ = addr }

func (n *newsletter) Send() {
	for _, addr := range n.subscribers {
		go n.mail(addr) // want "one goroutine per item of n.subscribers"
	}
}
