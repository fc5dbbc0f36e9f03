package timeafter

import (
	"context"
	"errors"
	"time"
)

// Near-miss: a cancellable backoff sleep; the other case leaves the loop, so each timer fires
// before the next one is made.
func RetryCtx(ctx context.Context, op func() error) error {
	backoff := 100 * time.Millisecond
	for attempt := 0; attempt < 5; attempt++ {
		if err := op(); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff *= 2
	}
	return errors.New("gave up")
}

// A periodic loop whose select is a cancellable sleep: no timer piles up (each fires before the
// next is made), but every tick allocates a timer and channel for the life of the process.
func Renew(done <-chan struct{}, renew func()) {
	for {
		select {
		case <-time.After(time.Second): // want "per iteration .*time.Ticker"
		case <-done:
			return
		}
		renew()
	}
}

// The same in a loop with a condition that is not a count.
func Gather(stats func() error, quit <-chan error) error {
	var err error
	for i := 1; err == nil; i++ {
		err = stats()
		select {
		case err = <-quit:
		case <-time.After(time.Duration(i) * time.Millisecond): // want "reuse one time.NewTimer"
		}
	}
	return err
}

// Near-miss: a periodic loop that reuses one ticker.
func RenewTicker(done <-chan struct{}, renew func()) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-done:
			return
		}
		renew()
	}
}

// Near-miss: a retry loop that leaves once an attempt succeeds; it waits a few times.
func Until(done <-chan struct{}, try func() error) error {
	for {
		if err := try(); err == nil {
			return nil
		}
		select {
		case <-done:
			return errors.New("cancelled")
		case <-time.After(time.Second):
		}
	}
}
