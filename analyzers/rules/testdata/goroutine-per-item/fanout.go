package goperitem

import (
	"context"
	"net/http"
	"runtime"
	"sync"
)

func fetch(ctx context.Context, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func FetchAll(ctx context.Context, urls []string) []error {
	errs := make([]error, len(urls))
	var wg sync.WaitGroup
	for i, u := range urls {
		wg.Add(1)
		go func(i int, u string) { // want "one goroutine per item of urls"
			defer wg.Done()
			errs[i] = fetch(ctx, u)
		}(i, u)
	}
	wg.Wait()
	return errs
}

type User struct{ Email string }

type Mailer struct {
	users map[string]User
}

func (m *Mailer) send(u User) { _ = u.Email }

func (m *Mailer) Announce() {
	for _, u := range m.users {
		go m.send(u) // want "one goroutine per item of m.users"
	}
}

// Near-miss: registered hooks run concurrently; their number is set by configuration.
type Event struct{ ID string }

type Notifier struct {
	hooks map[string]func(Event)
}

func (n *Notifier) Broadcast(ev Event) {
	for _, hook := range n.hooks {
		go hook(ev)
	}
}

// Near-miss: a limit check breaks out before starting more.
func startSome(items []int, out chan<- int, max int) {
	running := 0
	for _, it := range items {
		if running >= max {
			break
		}
		running++
		go square(it, out)
	}
}

func processAll(items []int, out chan<- int) {
	for i := 0; i < len(items); i++ {
		go square(items[i], out) // want "one goroutine per item"
	}
}

func square(x int, out chan<- int) { out <- x * x }

// Near-miss: a fixed pool of workers reads the items from a channel.
func FetchPool(ctx context.Context, urls []string, workers int) {
	jobs := make(chan string)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range jobs {
				_ = fetch(ctx, u)
			}
		}()
	}
	for _, u := range urls {
		jobs <- u
	}
	close(jobs)
	wg.Wait()
}

// Near-miss: one worker per CPU.
func cpuPool(work chan func()) {
	for range runtime.NumCPU() {
		go func() {
			for f := range work {
				f()
			}
		}()
	}
}

// Near-miss: a semaphore channel bounds the goroutines in flight.
func FetchLimited(ctx context.Context, urls []string) {
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, u := range urls {
		sem <- struct{}{}
		wg.Add(1)
		go func(u string) {
			defer func() { <-sem; wg.Done() }()
			_ = fetch(ctx, u)
		}(u)
	}
	wg.Wait()
}

// Near-miss: the goroutine takes a semaphore slot before working.
func FetchLimitedInside(ctx context.Context, urls []string) {
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			sem <- struct{}{}
			defer func() { <-sem; wg.Done() }()
			_ = fetch(ctx, u)
		}(u)
	}
	wg.Wait()
}

// Near-miss: one connection handler per accepted connection (an infinite accept loop).
func serve(accept func() (string, error), handle func(string)) {
	for {
		c, err := accept()
		if err != nil {
			return
		}
		go handle(c)
	}
}

// Near-miss: two fixed background tasks.
func startBackground(ctx context.Context) {
	for _, u := range []string{"http://a", "http://b"} {
		go func(u string) { _ = fetch(ctx, u) }(u)
	}
}

// Near-miss: each iteration waits for its goroutine (a timeout wrapper), so one runs at a time.
func sequential(ctx context.Context, urls []string) {
	for _, u := range urls {
		done := make(chan error, 1)
		go func(u string) { done <- fetch(ctx, u) }(u)
		<-done
	}
}
