package deferinloop

import (
	"net"
	"os"
	"sync"
)

// A package-level list of a few builtin names (go-ethereum's freezers).
var builtinTables = []string{"chain", "state", "trienode"}

// Near-miss: the loop ranges over a package-level literal of three elements; at most three files
// stay open for the call.
func inspectTables(dir string) (int64, error) {
	var total int64
	for _, name := range builtinTables {
		f, err := os.Open(dir + "/" + name)
		if err != nil {
			continue
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return 0, err
		}
		total += st.Size()
	}
	return total, nil
}

var knownTables = []string{"chain", "state"}

// Hit: the function appends to the package-level list before walking it: its length is not known.
func inspectAll(dir string, extra []string) int {
	knownTables = append(knownTables, extra...)
	n := 0
	for _, name := range knownTables {
		f, err := os.Open(dir + "/" + name)
		if err != nil {
			continue
		}
		defer f.Close() // want "defer f.Close\(\) in a loop"
		n++
	}
	return n
}

// Near-miss: the case that defers ends with `break Loop`, which leaves the loop: the defer runs once
// per call (prometheus' WAL actor).
func runActor(actions chan func(), stop chan chan struct{}) {
Loop:
	for {
		select {
		case f := <-actions:
			f()
		case done := <-stop:
			close(actions)
			defer close(done)
			break Loop
		}
	}
	for f := range actions {
		f()
	}
}

// Hit: `break Inner` leaves only the inner loop; the outer one defers again on every round.
func rounds(files <-chan *os.File, n int) {
	for i := 0; i < n; i++ {
	Inner:
		for j := 0; j < n; j++ {
			select {
			case f, ok := <-files:
				if !ok || f == nil {
					return
				}
				defer f.Close() // want "defer f.Close\(\) in a loop"
				break Inner
			default:
			}
		}
	}
}

type group struct{ wg sync.WaitGroup }

func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		_ = f()
	}()
}

func (g *group) Wait() { g.wg.Wait() }

// Near-miss: each connection is used by the goroutines the iteration starts until the function
// returns; closing it at the end of the iteration would pull it from under them.
func stress(addrs []string, work func(net.Conn)) error {
	var wg sync.WaitGroup
	for _, addr := range addrs {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		defer conn.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(conn)
		}()
	}
	wg.Wait()
	return nil
}

// Near-miss: the same with an errgroup-style `g.Go(func() error {...})` (thanos' block series clients).
func seriesAll(paths []string, read func(*os.File) error) error {
	var g group
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		g.Go(func() error { return read(f) })
	}
	g.Wait()
	return nil
}

// Hit: the goroutine the iteration starts does not use the file; the file is held for nothing.
func logAll(paths []string, done chan<- string) error {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close() // want "defer f.Close\(\) in a loop"
		go func() { done <- p }()
		if _, err := f.Stat(); err != nil {
			return err
		}
	}
	return nil
}

const probeCount = 3

// Near-miss: every call passes a small constant, so the loop runs five times at most (go-ethereum's
// NTP drift check).
func probeDrift(measurements int) (int, error) {
	n := 0
	for i := 0; i < measurements+2; i++ {
		conn, err := net.Dial("udp", "127.0.0.1:123")
		if err != nil {
			return n, err
		}
		defer conn.Close()
		n++
	}
	return n, nil
}

// CheckDrift is the only caller of probeDrift.
func CheckDrift() (int, error) { return probeDrift(probeCount) }

// Hit: one caller passes a count it was given, so the loop's length is not known.
func probeMany(measurements int) (int, error) {
	n := 0
	for i := 0; i < measurements; i++ {
		conn, err := net.Dial("udp", "127.0.0.1:123")
		if err != nil {
			return n, err
		}
		defer conn.Close() // want "defer conn.Close\(\) in a loop"
		n++
	}
	return n, nil
}

// ProbeFew and ProbeAsked call probeMany.
func ProbeFew() (int, error) { return probeMany(2) }

// ProbeAsked passes its caller's count.
func ProbeAsked(k int) (int, error) { return probeMany(k) }

// Each shard's lock, taken in turn and held together until the function returns (loki's forAll):
// the work after the loop relies on all of them. Near-miss.
type shards struct {
	locks [4]sync.RWMutex
	data  [4]map[string]int
}

func (s *shards) total() int {
	for i := range s.data {
		s.locks[i].RLock()
		defer s.locks[i].RUnlock()
	}
	n := 0
	for _, m := range s.data {
		n += len(m)
	}
	return n
}

type metricGroup struct {
	mu      sync.Mutex
	buckets []string
}

func (g *metricGroup) lockAndSet(b []string) func() {
	g.mu.Lock()
	g.buckets = b
	return g.mu.Unlock
}

// Near-miss: an unlock function returned by each group's locking call (minio's LockAndSetBuckets).
func gatherAll(groups map[string]*metricGroup, names []string, b []string) int {
	n := 0
	for _, name := range names {
		if g, ok := groups[name]; ok {
			unlock := g.lockAndSet(b)
			defer unlock()
			n++
		}
	}
	return n
}

// Hit: the unlock function of a lock that is not the iteration's item's (a fresh group per
// iteration, named by nothing the loop declares): what it guards piles up until the function returns.
func setAll(bs [][]string) {
	for _, b := range bs {
		unlock := new(metricGroup).lockAndSet(b)
		defer unlock() // want "defer unlock\(\) in a loop"
	}
}
