package leaksender

import (
	"context"
	"errors"
	"time"
)

type result struct {
	val int
	err error
}

func compute(ctx context.Context) (int, error) {
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(time.Millisecond):
		return 42, nil
	}
}

func WithTimeout(ctx context.Context) (int, error) {
	ch := make(chan result)
	go func() {
		v, err := compute(ctx)
		ch <- result{v, err} // want "send on unbuffered ch blocks forever"
	}()
	select {
	case r := <-ch:
		return r.val, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

var errTimeout = errors.New("timeout")

func Deadline(d time.Duration) error {
	done := make(chan error)
	go func() {
		_, err := compute(context.Background())
		done <- err // want "send on unbuffered done blocks forever"
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return errTimeout
	}
}

func TryOnce(ctx context.Context) int {
	var out = make(chan int)
	go func() {
		v, _ := compute(ctx)
		out <- v // want "send on unbuffered out blocks forever"
	}()
	v := -1
	select {
	case v = <-out:
	default:
	}
	return v
}

// Near-miss: a buffer of one lets the sender finish after the receiver leaves.
func WithTimeoutBuffered(ctx context.Context) (int, error) {
	ch := make(chan result, 1)
	go func() {
		v, err := compute(ctx)
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.val, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Near-miss: the receiver always receives.
func Always(ctx context.Context) (int, error) {
	ch := make(chan result)
	go func() {
		v, err := compute(ctx)
		ch <- result{v, err}
	}()
	r := <-ch
	return r.val, r.err
}

// Near-miss: the sender gives up too.
func SenderSelects(ctx context.Context) (int, error) {
	ch := make(chan result)
	go func() {
		v, err := compute(ctx)
		select {
		case ch <- result{v, err}:
		case <-ctx.Done():
		}
	}()
	select {
	case r := <-ch:
		return r.val, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Near-miss: a progress loop keeps waiting until the result arrives.
func Progress(ctx context.Context, tick <-chan time.Time, report func()) int {
	ch := make(chan int)
	go func() {
		v, _ := compute(ctx)
		ch <- v
	}()
	for {
		select {
		case v := <-ch:
			return v
		case <-tick:
			report()
		}
	}
}

// Near-miss: after the timeout the receiver drains the channel.
func Drains(d time.Duration) int {
	ch := make(chan int)
	go func() {
		v, _ := compute(context.Background())
		ch <- v
	}()
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
	}
	return <-ch
}

// Near-miss: the timeout case starts a goroutine that drains the channel and closes what arrives
// late (containerd's dialer), so the send always completes.
func DialTimeout(d time.Duration) (*result, error) {
	stop := make(chan struct{})
	synC := make(chan *result)
	go func() {
		defer close(synC)
		v, err := compute(context.Background())
		synC <- &result{v, err}
	}()
	select {
	case r := <-synC:
		return r, nil
	case <-time.After(d):
		close(stop)
		go func() {
			if r := <-synC; r != nil {
				_ = r.val
			}
		}()
		return nil, errTimeout
	}
}

// The timeout case only builds a function that would drain the channel; nothing runs it.
func DrainNeverRun(d time.Duration) (int, func() int) {
	ch := make(chan int)
	go func() {
		v, _ := compute(context.Background())
		ch <- v // want "send on unbuffered ch blocks forever"
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-time.After(d):
		later := func() int { return <-ch }
		return 0, later
	}
}

// First response wins over mirrors (shape of several real fixes: "fetch from the fastest mirror").
func fetchMirror(m string) ([]byte, error) { return []byte(m), nil }

type fetched struct {
	body []byte
	err  error
}

func FastestMirror(mirrors []string) ([]byte, error) {
	ch := make(chan fetched)
	for _, m := range mirrors {
		go func(m string) {
			b, err := fetchMirror(m)
			ch <- fetched{b, err} // want "only the first is received"
		}(m)
	}
	r := <-ch
	return r.body, r.err
}

func FastestMirrorCtx(ctx context.Context, mirrors []string) ([]byte, error) {
	results := make(chan fetched)
	for i := range mirrors {
		go func() {
			b, err := fetchMirror(mirrors[i])
			results <- fetched{b, err} // want "only the first is received"
		}()
	}
	select {
	case r := <-results:
		return r.body, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Near-miss: a buffer of one per goroutine lets every sender finish.
func FastestMirrorBuffered(mirrors []string) ([]byte, error) {
	ch := make(chan fetched, len(mirrors))
	for _, m := range mirrors {
		go func(m string) {
			b, err := fetchMirror(m)
			ch <- fetched{b, err}
		}(m)
	}
	r := <-ch
	return r.body, r.err
}

// Near-miss: every result is received.
func AllMirrors(mirrors []string) [][]byte {
	ch := make(chan fetched)
	for _, m := range mirrors {
		go func(m string) {
			b, err := fetchMirror(m)
			ch <- fetched{b, err}
		}(m)
	}
	out := make([][]byte, 0, len(mirrors))
	for range mirrors {
		if r := <-ch; r.err == nil {
			out = append(out, r.body)
		}
	}
	return out
}

// Near-miss: the senders give up once a winner is chosen.
func FastestMirrorDone(mirrors []string) ([]byte, error) {
	ch := make(chan fetched)
	done := make(chan struct{})
	defer close(done)
	for _, m := range mirrors {
		go func(m string) {
			b, err := fetchMirror(m)
			select {
			case ch <- fetched{b, err}:
			case <-done:
			}
		}(m)
	}
	r := <-ch
	return r.body, r.err
}

// Near-miss: one worker per item feeding a collector that ranges until close.
func Collect(items []string) int {
	ch := make(chan int)
	var n int
	finished := make(chan struct{})
	go func() {
		for v := range ch {
			n += v
		}
		close(finished)
	}()
	for _, it := range items {
		ch <- len(it)
	}
	close(ch)
	<-finished
	return n
}
