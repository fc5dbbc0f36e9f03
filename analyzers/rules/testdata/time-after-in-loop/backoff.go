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
