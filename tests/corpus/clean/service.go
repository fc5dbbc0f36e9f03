package clean

import (
	"bufio"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"sort"
	"sync"
	"time"
)

var (
	skuPattern = regexp.MustCompile(`^[A-Z]{3}-\d{4}$`)
	client     = &http.Client{Timeout: 5 * time.Second}
	bufPool    = sync.Pool{New: func() any { return new([]byte) }}
)

// ValidSKU uses a pattern compiled once at package level.
func ValidSKU(s string) bool {
	return skuPattern.MatchString(s)
}

// Fetch reuses the package client and always closes the body.
func Fetch(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(io.LimitReader(resp.Body, 1<<20))
}

// Handle bounds the request body and streams the response.
func Handle(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	var in []string
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	enc := json.NewEncoder(w)
	for _, s := range in {
		if err := enc.Encode(ValidSKU(s)); err != nil {
			return
		}
	}
}

// WriteReport buffers many small writes into one file.
func WriteReport(path string, rows []User) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	for _, r := range rows {
		fmt.Fprintf(w, "%d\t%s\n", r.ID, r.Name)
	}
	return w.Flush()
}

// ProcessFiles closes each file per iteration with a closure.
func ProcessFiles(paths []string) error {
	for _, p := range paths {
		err := func() error {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(io.Discard, f)
			return err
		}()
		if err != nil {
			return err
		}
	}
	return nil
}

// Fanout runs jobs on a fixed pool of workers.
func Fanout(ctx context.Context, jobs []int, workers int, do func(int)) {
	ch := make(chan int)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				do(j)
			}
		}()
	}
	for _, j := range jobs {
		select {
		case ch <- j:
		case <-ctx.Done():
		}
	}
	close(ch)
	wg.Wait()
}

// FirstResult uses a buffered channel so the sender never leaks.
func FirstResult(ctx context.Context, f func() int) (int, error) {
	ch := make(chan int, 1)
	go func() { ch <- f() }()
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Poll reuses one ticker.
func Poll(ctx context.Context, check func() bool) error {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			if check() {
				return nil
			}
		}
	}
}

// Retry backs off between attempts of an operation that can fail.
func Retry(op func() error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = op(); err == nil {
			return nil
		}
		time.Sleep(time.Duration(attempt+1) * 50 * time.Millisecond)
	}
	return errors.Join(errors.New("gave up"), err)
}

// Sorted sorts once after collecting.
func Sorted(groups map[string][]int) []int {
	var n int
	for _, g := range groups {
		n += len(g)
	}
	all := make([]int, 0, n)
	for _, g := range groups {
		all = append(all, g...)
	}
	sort.Ints(all)
	return all
}

// TokenEqual compares secrets in constant time.
func TokenEqual(a, b []byte) bool {
	return subtle.ConstantTimeCompare(a, b) == 1
}

// WithBuffer borrows a pooled buffer by pointer.
func WithBuffer(f func(*[]byte)) {
	bp := bufPool.Get().(*[]byte)
	*bp = (*bp)[:0]
	f(bp)
	bufPool.Put(bp)
}

// Totals reads order items: the inner loop walks each order's own items (linear overall).
func Totals(orders []Order) map[int]int {
	totals := make(map[int]int, len(orders))
	for _, o := range orders {
		for _, it := range o.Items {
			totals[o.ID] += it.Qty
		}
	}
	return totals
}

// Order has its own items.
type Order struct {
	ID    int
	Items []Item
}

// Item is an order line.
type Item struct {
	SKU string
	Qty int
}

// Join matches orders to users through a map: O(n+m).
func JoinUsers(orders []Order, users []User) map[int]string {
	byID := make(map[int]string, len(users))
	for _, u := range users {
		byID[u.ID] = u.Name
	}
	out := make(map[int]string, len(orders))
	for _, o := range orders {
		out[o.ID] = byID[o.ID]
	}
	return out
}

// Counter guards two fields that change together: a mutex, not atomics.
type Counter struct {
	mu    sync.Mutex
	count int
	last  time.Time
}

// Inc records an event.
func (c *Counter) Inc(now time.Time) {
	c.mu.Lock()
	c.count++
	c.last = now
	c.mu.Unlock()
}

// Snapshot copies state out before any slow work.
func (c *Counter) Snapshot(w io.Writer) error {
	c.mu.Lock()
	n, last := c.count, c.last
	c.mu.Unlock()
	_, err := fmt.Fprintf(w, "%d %s\n", n, last.Format(time.RFC3339))
	return err
}
