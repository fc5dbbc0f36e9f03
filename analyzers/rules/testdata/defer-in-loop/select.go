package deferinloop

import (
	"context"
	"os"
	"time"
)

type dialResult struct {
	err     error
	primary bool
}

func racer(ctx context.Context, primary bool, results chan<- dialResult) {
	select {
	case results <- dialResult{err: ctx.Err(), primary: primary}:
	case <-ctx.Done():
	}
}

// Near-miss: the fallback timer fires at most once (it is reset only after a successful Stop,
// that is, before it fired), so the case that defers the fallback's cancel runs once.
func dialParallel(ctx context.Context, delay time.Duration) error {
	results := make(chan dialResult)
	go racer(ctx, true, results)
	fallbackTimer := time.NewTimer(delay)
	defer fallbackTimer.Stop()
	var primaryDone bool
	for {
		select {
		case <-fallbackTimer.C:
			fallbackCtx, fallbackCancel := context.WithCancel(ctx)
			defer fallbackCancel()
			go racer(fallbackCtx, false, results)
		case res := <-results:
			if res.err == nil {
				return nil
			}
			if res.primary {
				primaryDone = true
			} else if primaryDone {
				return res.err
			}
			if res.primary && fallbackTimer.Stop() {
				fallbackTimer.Reset(0)
			}
		}
	}
}

// Near-miss: the case disables itself by setting its channel to nil, so it runs once.
func watchReady(ctx context.Context, ready <-chan string, events <-chan string) {
	for {
		select {
		case name := <-ready:
			ready = nil
			f, err := os.Open(name)
			if err != nil {
				return
			}
			defer f.Close()
		case ev, ok := <-events:
			if !ok {
				return
			}
			_ = ev
		case <-ctx.Done():
			return
		}
	}
}

// Near-miss: a local list of two probes, only ever shortened.
func probeFiles(paths []string) int {
	var probes = []struct {
		path string
		mode os.FileMode
	}{
		{path: "/tmp/a", mode: 0o600},
		{path: "/tmp/b", mode: 0o644},
	}
	if len(paths) > 0 {
		probes = probes[:1]
	}
	n := 0
	for i := range probes {
		f, err := os.Create(probes[i].path)
		if err != nil {
			continue
		}
		defer os.Remove(probes[i].path)
		defer f.Close()
		n++
	}
	return n
}

// Hit: every event opens a file whose close waits for the loop to end.
func drainFiles(ctx context.Context, files <-chan string) {
	for {
		select {
		case name := <-files:
			f, err := os.Open(name)
			if err != nil {
				continue
			}
			defer f.Close() // want "defer f.Close\(\) in a loop"
		case <-ctx.Done():
			return
		}
	}
}

// Hit: a ticker fires again and again.
func tickCancel(ctx context.Context, t *time.Ticker) {
	for {
		select {
		case <-t.C:
			c, cancel := context.WithTimeout(ctx, time.Second)
			defer cancel() // want "defer cancel\(\) in a loop"
			_ = c
		case <-ctx.Done():
			return
		}
	}
}

// Hit: the timer is reset unconditionally, so its case fires every period.
func pollTimer(ctx context.Context) {
	t := time.NewTimer(time.Second)
	for {
		select {
		case <-t.C:
			c, cancel := context.WithTimeout(ctx, time.Second)
			defer cancel() // want "defer cancel\(\) in a loop"
			_ = c
			t.Reset(time.Second)
		case <-ctx.Done():
			return
		}
	}
}

// Hit: the channel is set to nil only when closed; every value received defers a close.
func consumeNames(ctx context.Context, names <-chan string) {
	for {
		select {
		case name, ok := <-names:
			if !ok {
				names = nil
				continue
			}
			f, err := os.Open(name)
			if err != nil {
				continue
			}
			defer f.Close() // want "defer f.Close\(\) in a loop"
		case <-ctx.Done():
			return
		}
	}
}

// Hit: the list grows with the input, so the number of pending defers does too.
func createEach(paths []string) {
	names := []string{"/tmp/x"}
	names = append(names, paths...)
	for _, name := range names {
		f, err := os.Create(name)
		if err != nil {
			continue
		}
		defer f.Close() // want "defer f.Close\(\) in a loop"
	}
}

// Near-miss (thanos' compaction loop): the iteration cancels its context itself at the end of its block;
// the defer only covers the returns in between.
func compactRounds(ctx context.Context, rounds func(context.Context) (bool, error)) error {
	for {
		workCtx, workCtxCancel := context.WithCancel(ctx)
		defer workCtxCancel()
		done, err := rounds(workCtx)
		if err != nil {
			return err
		}
		workCtxCancel()
		if done {
			return nil
		}
	}
}

// The same cancel called only in a branch: a round that does not take it keeps its context until return.
func compactRoundsSometimes(ctx context.Context, rounds func(context.Context) (bool, error)) error {
	for {
		workCtx, workCtxCancel := context.WithCancel(ctx)
		defer workCtxCancel() // want "defer workCtxCancel\(\) in a loop"
		done, err := rounds(workCtx)
		if err != nil {
			return err
		}
		if done {
			workCtxCancel()
			return nil
		}
	}
}
