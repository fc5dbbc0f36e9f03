package timeafter

import (
	"context"
	"errors"
	"time"
)

var errIdle = errors.New("idle")

func Serve(in <-chan string, handle func(string)) error {
	for {
		select {
		case msg := <-in:
			handle(msg)
		case <-time.After(time.Minute): // want "time.After\(time.Minute\) in a select loop allocates a timer and channel per iteration"
			return errIdle
		}
	}
}

func Collect(ctx context.Context, in <-chan int, n int) []int {
	out := make([]int, 0, n)
	for len(out) < n {
		select {
		case v := <-in:
			out = append(out, v)
		case <-ctx.Done():
			return out
		case <-time.After(50 * time.Millisecond): // want "not freed until it fires"
			out = append(out, 0)
		}
	}
	return out
}

func Poll(in <-chan int, timeout time.Duration) int {
	sum := 0
	for i := 0; i < 100; i++ {
		select {
		case v := <-in:
			sum += v
		case <-time.After(timeout): // want "polling select loop"
		default:
		}
	}
	return sum
}

// Near-miss: one timer reset after each message.
func ServeTimer(in <-chan string, handle func(string)) error {
	idle := time.NewTimer(time.Minute)
	defer idle.Stop()
	for {
		select {
		case msg := <-in:
			handle(msg)
			if !idle.Stop() {
				<-idle.C
			}
			idle.Reset(time.Minute)
		case <-idle.C:
			return errIdle
		}
	}
}

// Near-miss: an overall deadline made once, before the loop.
func CollectDeadline(in <-chan int, d time.Duration) []int {
	var out []int
	timeout := time.After(d)
	for {
		select {
		case v := <-in:
			out = append(out, v)
		case <-timeout:
			return out
		}
	}
}

// Near-miss: a ticker reused across iterations.
func Heartbeat(ctx context.Context, beat func()) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			beat()
		case <-ctx.Done():
			return
		}
	}
}

// Near-miss: time.After outside any loop.
func Once(in <-chan int) (int, bool) {
	select {
	case v := <-in:
		return v, true
	case <-time.After(time.Second):
		return 0, false
	}
}

// Near-miss: the iteration that waits for a second result then returns (loki's fan-out handler):
// one timer per call.
func Race(results <-chan int, n int, tolerance time.Duration) int {
	for i := 0; i < n; i++ {
		r := <-results
		if r > 0 {
			select {
			case r2 := <-results:
				r += r2
			case <-time.After(tolerance):
			}
			return r
		}
	}
	return 0
}

// Hit: the same wait in every iteration, with no return after it.
func SumUntilStop(results <-chan int, stop <-chan struct{}) (sum int) {
	for {
		select {
		case r := <-results:
			sum += r
		case <-stop:
			return sum
		case <-time.After(time.Second): // want "time.After\(time.Second\) in a select loop"
		}
	}
}

type tempErr interface{ Temporary() bool }

// Hit: a back-off wait followed by continue (grpc-go's accept loop): the outer branch's return is not
// reached from the wait, so every temporary error makes a new timer.
func Accept(accept func() error, done <-chan struct{}) error {
	delay := 5 * time.Millisecond
	for {
		if err := accept(); err != nil {
			if te, ok := err.(tempErr); ok && te.Temporary() {
				select {
				case <-time.After(delay): // want "time.After\(delay\) in a select loop"
				case <-done:
				}
				continue
			}
			return err
		}
	}
}
