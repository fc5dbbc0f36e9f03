package lockio

import (
	"os"
	"path/filepath"
	"sync"
)

type wal struct {
	mu      sync.Mutex
	dir     string
	entries map[string][]byte
	ios     chan struct{}
}

// Near-miss: recovery at start-up reads files under the lock; nothing else runs yet.
func OpenWAL(dir string) (*wal, error) {
	w := &wal{dir: dir, entries: map[string][]byte{}}
	if err := w.recoverEntries(); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *wal) recoverEntries() error {
	names, err := filepath.Glob(filepath.Join(w.dir, "*.wal"))
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return err
		}
		w.entries[n] = b
	}
	return nil
}

// Near-miss: a helper reached only from the loader above.
func (w *wal) loadIndex() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.readIndexLocked()
}

func (w *wal) readIndexLocked() error {
	_, err := os.ReadFile(filepath.Join(w.dir, "index"))
	return err
}

func (w *wal) Get(name string) ([]byte, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	b, ok := w.entries[name]
	return b, ok
}

// The I/O slots come from the caller (a semaphore channel filled with tokens).
func (w *wal) SetSlots(slots chan struct{}) { w.ios = slots }

// Near-miss: giving back the I/O slot the function took cannot block.
func (w *wal) Sync(name string) error {
	<-w.ios
	err := os.WriteFile(filepath.Join(w.dir, name), nil, 0o600)
	w.mu.Lock()
	delete(w.entries, name)
	w.ios <- struct{}{}
	w.mu.Unlock()
	return err
}

// Still a file written while the lock is held on the request path.
func (w *wal) Append(name string, b []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.entries[name] = b
	return os.WriteFile(filepath.Join(w.dir, name), b, 0o600) // want "os.WriteFile while w.mu is held"
}

type certStore struct {
	lock     sync.Mutex
	filename string
	data     map[string][]byte
	loaded   bool
	names    []string
}

// Near-miss: lazy initialisation; the file is read on the first call only, and the lock is what
// makes it the first call only.
func (s *certStore) Get(name string) ([]byte, error) {
	s.lock.Lock()
	defer s.lock.Unlock()
	if s.data == nil {
		s.data = map[string][]byte{}
		b, err := os.ReadFile(s.filename)
		if err != nil {
			return nil, err
		}
		s.data[name] = b
	}
	return s.data[name], nil
}

// Near-miss: the same with a flag.
func (s *certStore) Names() ([]string, error) {
	s.lock.Lock()
	defer s.lock.Unlock()
	if !s.loaded {
		entries, err := os.ReadDir(s.filename)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			s.names = append(s.names, e.Name())
		}
		s.loaded = true
	}
	return s.names, nil
}

// A nil test whose branch does not fill the field runs the I/O on every call while it stays nil.
func (s *certStore) Peek(name string) ([]byte, error) {
	s.lock.Lock()
	defer s.lock.Unlock()
	if s.data == nil {
		return os.ReadFile(s.filename) // want "os.ReadFile"
	}
	return s.data[name], nil
}

// Near-miss: the open happens under the read lock, and only Stop takes the write lock (loki's FilePool):
// other Gets and Puts proceed side by side.
type filePool struct {
	mtx     sync.RWMutex
	path    string
	stopped bool
}

func (p *filePool) Get() (*os.File, error) {
	p.mtx.RLock()
	defer p.mtx.RUnlock()
	if p.stopped {
		return nil, os.ErrClosed
	}
	return os.Open(p.path)
}

func (p *filePool) Stop() {
	p.mtx.Lock()
	defer p.mtx.Unlock()
	p.stopped = true
}

// Hit: the same read, but a run-time method takes the write lock, and waits for the open.
type swapPool struct {
	rw   sync.RWMutex
	path string
}

func (p *swapPool) Get() (*os.File, error) {
	p.rw.RLock()
	defer p.rw.RUnlock()
	return os.Open(p.path) // want "os.Open while p.rw is read-locked blocks every writer"
}

func (p *swapPool) Swap(path string) {
	p.rw.Lock()
	defer p.rw.Unlock()
	p.path = path
}
