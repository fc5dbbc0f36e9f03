package goperitem

import "sync"

type informer struct{ name string }

func (i *informer) Run(stop <-chan struct{}) { <-stop }

type sendLoop struct{ queue chan string }

func (s *sendLoop) loop() {
	for m := range s.queue {
		_ = m
	}
}

// Near-miss: one informer per namespace runs for the life of the discovery, by design.
func WatchNamespaces(namespaces []string, stop <-chan struct{}) {
	for _, ns := range namespaces {
		inf := &informer{name: ns}
		go inf.Run(stop)
	}
}

// Near-miss: one send loop per configured destination.
func StartLoops(dests []string) []*sendLoop {
	loops := make([]*sendLoop, 0, len(dests))
	for range dests {
		l := &sendLoop{queue: make(chan string, 16)}
		go l.loop()
		loops = append(loops, l)
	}
	return loops
}

// Near-miss: ranging over a count starts exactly that many workers: the pool itself.
func Replay(records <-chan int, concurrency int, apply func(int)) {
	var wg sync.WaitGroup
	wg.Add(concurrency)
	for range concurrency {
		go func() {
			defer wg.Done()
			for r := range records {
				apply(r)
			}
		}()
	}
	wg.Wait()
}

// Still one short-lived goroutine per item of the data.
func Resolve(names []string, lookup func(string)) {
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func(n string) { // want "one goroutine per item of names"
			defer wg.Done()
			lookup(n)
		}(n)
	}
	wg.Wait()
}
