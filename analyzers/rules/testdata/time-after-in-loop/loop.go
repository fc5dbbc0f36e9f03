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
