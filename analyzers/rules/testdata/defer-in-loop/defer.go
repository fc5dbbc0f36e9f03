package deferinloop

import (
	"bufio"
	"bytes"
	"database/sql"
	"net/http"
	"os"
	"sync"
)

func countLines(paths []string) (int, error) {
	total := 0
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return 0, err
		}
		defer f.Close() // want "defer f.Close\(\) in a loop"
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			total++
		}
	}
	return total, nil
}

type store struct {
	mu    sync.Mutex
	items map[string]int
}

func (s *store) addAll(keys []string) {
	for _, k := range keys {
		s.mu.Lock()
		defer s.mu.Unlock() // want "defer s.mu.Unlock\(\) in a loop"
		s.items[k]++
	}
}

func fetchAll(client *http.Client, urls []string) ([]int, error) {
	codes := make([]int, 0, len(urls))
	for i := 0; i < len(urls); i++ {
		resp, err := client.Get(urls[i])
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close() // want "in a loop waits for the function to return"
		codes = append(codes, resp.StatusCode)
	}
	return codes, nil
}

func drain(db *sql.DB, queries <-chan string) error {
	for q := range queries {
		rows, err := db.Query(q)
		if err != nil {
			return err
		}
		defer func() { _ = rows.Close() }() // want "defer func\(\) .* in a loop"
		for rows.Next() {
		}
	}
	return nil
}

func poll(db *sql.DB) {
	for {
		rows, err := db.Query("SELECT 1")
		if err != nil {
			continue
		}
		if rows.Next() {
			defer rows.Close() // want "defer rows.Close\(\) in a loop"
			continue
		}
		_ = rows.Close()
	}
}

// Near-miss: the fix, a function literal per iteration.
func countLinesFixed(paths []string) (int, error) {
	total := 0
	for _, path := range paths {
		err := func() error {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				total++
			}
			return sc.Err()
		}()
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// Near-miss: explicit close at the end of each iteration.
func sizes(paths []string) ([]int64, error) {
	out := make([]int64, 0, len(paths))
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		st, err := f.Stat()
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, st.Size())
	}
	return out, nil
}

// Near-miss: retry loop that defers once and returns in the same iteration.
func firstReachable(addrs []string) (*http.Response, error) {
	var lastErr error
	for _, a := range addrs {
		resp, err := http.Get(a)
		if err != nil {
			lastErr = err
			continue
		}
		defer resp.Body.Close()
		return nil, nil
	}
	return nil, lastErr
}

// Near-miss: a loop that breaks right after the defer runs it once.
func openFirst(paths []string) int {
	n := 0
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		defer f.Close()
		n++
		break
	}
	return n
}

// Near-miss: the defer sits in a branch that returns before the loop comes round again.
func releaseLast(mu *sync.Mutex, cond *sync.Cond, state *int, ready func() bool) {
	for {
		if ready() {
			if *state == 1 {
				mu.Lock()
				defer mu.Unlock()
				cond.Broadcast()
			}
			return
		}
	}
}

// Near-miss: a small fixed number of locks.
func lockAll(mus *[3]sync.Mutex) int {
	for i := 0; i < 3; i++ {
		mus[i].Lock()
		defer mus[i].Unlock()
	}
	return len(mus)
}

// Near-miss: defer outside the loop.
func process(path string, lines []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, l := range lines {
		if _, err := f.WriteString(l); err != nil {
			return err
		}
	}
	return nil
}

// Near-miss: goroutine per item defers inside its own function.
func parallel(paths []string) {
	var wg sync.WaitGroup
	for _, p := range paths {
		wg.Add(1)
		go func(p string) {
			defer wg.Done()
			_, _ = os.Stat(p)
		}(p)
	}
	wg.Wait()
}

type closer interface{ Close() error }

// Near-miss: closing what existed before the loop, at the end of the function, on purpose.
func replace(old []closer, apply func()) {
	for _, c := range old {
		if c != nil {
			defer c.Close()
		}
	}
	apply()
}

// Near-miss: the lock is taken once, the first time it is needed.
func record(mu *sync.Mutex, items []int, sink func(int)) {
	locked := false
	for _, it := range items {
		if it > 0 && !locked {
			if !locked {
				mu.Lock()
				defer mu.Unlock()
				locked = true
			}
		}
		sink(it)
	}
}

type listener struct{ closed bool }

func (l *listener) Close() { l.closed = true }

// Near-miss: the listeners are closed only if the function fails; on success they are returned.
func listenAll(addrs []string, listen func(string) (*listener, error)) (ls []*listener, err error) {
	for _, a := range addrs {
		var l *listener
		l, err = listen(a)
		if err != nil {
			return nil, err
		}
		defer func(l *listener) {
			if err == nil {
				return
			}
			l.Close()
		}(l)
		ls = append(ls, l)
	}
	return ls, nil
}

type block struct{ path string }

func openBlock(p string) (*block, error) { return &block{path: p}, nil }

func (b *block) Close() error { return nil }

func (b *block) size() int { return len(b.path) }

// Near-miss: every block stays open for the merge after the loop (prometheus's compactor); the
// defer closes them all when the merge is done.
func mergeBlocks(paths []string) (int, error) {
	var blocks []*block
	for _, p := range paths {
		b, err := openBlock(p)
		if err != nil {
			return 0, err
		}
		defer b.Close()
		blocks = append(blocks, b)
	}
	n := 0
	for _, b := range blocks {
		n += b.size()
	}
	return n, nil
}

// Near-miss: each pooled buffer backs a writer that the code after the loop fills (minio's erasure
// encoding); it goes back to the pool when that is done.
func encodeShards(disks []string, get func() []byte, put func([]byte)) int {
	writers := make([]*bytes.Buffer, len(disks))
	for i := range disks {
		buf := get()
		defer put(buf)
		writers[i] = bytes.NewBuffer(buf[:0])
	}
	n := 0
	for _, w := range writers {
		w.WriteString("shard")
		n += w.Len()
	}
	return n
}

// Each file is only measured; nothing keeps it after its iteration.
func totalSize(paths []string) (int, error) {
	total := 0
	for _, p := range paths {
		b, err := openBlock(p)
		if err != nil {
			return 0, err
		}
		defer b.Close() // want "defer b.Close\(\) in a loop"
		total += b.size()
	}
	return total, nil
}

// Near miss: each iteration closes its writer itself and sets closed; the deferred closure only
// covers an early return (prometheus' promtool backfill).
func backfill(blocks []string) (err error) {
	for _, name := range blocks {
		w, err := os.Create(name)
		if err != nil {
			return err
		}
		var closed bool
		defer func() {
			if !closed {
				w.Close()
			}
		}()
		if _, err := w.WriteString("block"); err != nil {
			return err
		}
		err = w.Close()
		closed = true
	}
	return err
}

// Hit: the flag is never set in the iteration, so every writer stays open until the function returns.
func backfillLeaky(blocks []string) error {
	for _, name := range blocks {
		w, err := os.Create(name)
		if err != nil {
			return err
		}
		var closed bool
		defer func() { // want "defer call in a loop"
			if !closed {
				w.Close()
			}
		}()
		if _, err := w.WriteString("block"); err != nil {
			return err
		}
	}
	return nil
}

type subscription struct{}

func (s *subscription) Unsubscribe() {}

// No hit: lazy initialisation of a variable declared outside the loop; the closure the block calls
// sets it, so the defer runs once (go-ethereum's table.waitForNodes).
func waitLazy(ready func() bool) {
	var notify chan struct{}
	initsub := func() *subscription {
		notify = make(chan struct{})
		return &subscription{}
	}
	for !ready() {
		if notify == nil {
			sub := initsub()
			defer sub.Unsubscribe()
		}
		<-notify
	}
}

// Hit: the guarded variable is declared inside the loop, so it is nil on every iteration.
func waitEvery(ready func() bool, open func() *subscription) {
	for !ready() {
		var sub *subscription
		if sub == nil {
			sub = open()
			defer sub.Unsubscribe() // want "defer sub.Unsubscribe\(\) in a loop"
		}
	}
}
