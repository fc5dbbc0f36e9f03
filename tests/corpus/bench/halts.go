package benchinputs

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// logger writes lines prefixed with its name; Fatal ends the process, as a log package's does.
type logger struct {
	prefix string
}

func (l *logger) output(s string) { fmt.Fprintln(os.Stderr, l.prefix+s) }

// Fatal writes its arguments, each one quoted, and exits.
func (l *logger) Fatal(args ...any) {
	msg := ""
	for _, a := range args {
		msg += fmt.Sprintf("%q ", a)
	}
	l.output(msg)
	os.Exit(1)
}

// Service is started by its owner; AwaitRunning blocks until it runs or ctx ends.
type Service struct {
	names   []string
	running chan struct{}
}

// NewService returns a service that is not running yet.
func NewService() *Service { return &Service{running: make(chan struct{})} }

func (s *Service) await(ctx context.Context, ch chan struct{}) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-ch:
	}
	return nil
}

// AwaitRunning waits for the service to run, then lists its names.
func (s *Service) AwaitRunning(ctx context.Context) (string, error) {
	if err := s.await(ctx, s.running); err != nil {
		return "", err
	}
	out := ""
	for _, n := range s.names {
		out += n + ","
	}
	return out, nil
}

// Pipe hands bytes from a writer to a reader; reads wait while it is empty.
type Pipe struct {
	mu   sync.Mutex
	cond *sync.Cond
	buf  []string
}

func (p *Pipe) empty() {
	for len(p.buf) == 0 {
		p.cond.Wait()
	}
}

// ReadAll takes everything written so far.
func (p *Pipe) ReadAll() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.empty()
	out := ""
	for _, s := range p.buf {
		out += s
	}
	p.buf = p.buf[:0]
	return out
}

func retry(ready func() bool) {
	for !ready() {
		time.Sleep(10 * time.Millisecond)
	}
}

// Dial waits until ready says yes, then writes the greeting.
func Dial(ready func() bool, names []string) string {
	retry(ready)
	out := ""
	for _, n := range names {
		out += "hello " + n
	}
	return out
}

// Registry maps names to handlers; a name may be registered once.
type Registry struct {
	handlers map[string]string
	order    []string
}

// Register adds a handler under name and panics if the name is taken.
func (r *Registry) Register(name, handler string) {
	if _, ok := r.handlers[name]; ok {
		panic(fmt.Sprintf("handler %q already registered", name))
	}
	r.handlers[name] = handler
	r.order = append(r.order, name)
	all := ""
	for _, n := range r.order {
		all += n
	}
	_ = all
}

// Template keeps its source text; nodes carry their offset into it.
type Template struct {
	text string
}

// Node is a part of a parsed template.
type Node interface {
	Position() int
	String() string
}

type textNode struct {
	pos int
	s   string
}

func (t textNode) Position() int  { return t.pos }
func (t textNode) String() string { return t.s }

// Context says on which line of the template a node is, and the lines before it.
func (t *Template) Context(n Node) string {
	pos := n.Position()
	before := t.text[:pos]
	out := ""
	for _, line := range strings.Split(before, "\n") {
		out += line + "|"
	}
	return out
}

// Beat waits for the next beat, unless ctx ends first, then renders the names.
func Beat(ctx context.Context, names []string) string {
	select {
	case <-ctx.Done():
		return ""
	case <-time.After(time.Minute):
	}
	out := ""
	for _, n := range names {
		out += n
	}
	return out
}
