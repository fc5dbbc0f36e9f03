package unboundedreadall

import (
	"encoding/json"
	"io"
	"io/ioutil"
	"net"
	"net/http"
)

func upload(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(r.Body) // want "io.ReadAll of the request body is unbounded"
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Write(data)
}

func legacy(w http.ResponseWriter, req *http.Request) {
	body, _ := ioutil.ReadAll(req.Body) // want "ioutil.ReadAll of the request body"
	w.Write(body)
}

func handlerFunc() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body) // want "unbounded"
		if err != nil {
			return
		}
		w.Write(b)
	}
}

func readPeer(conn net.Conn) ([]byte, error) {
	return io.ReadAll(conn) // want "of a network connection is unbounded.*io.LimitReader"
}

// A tiny stand-in for a gin-like context.
type Context struct {
	Request *http.Request
}

// Near-miss: the body is capped first.
func uploadCapped(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	data, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		return
	}
	w.Write(data)
}

// Near-miss: a LimitReader bounds the read.
func uploadLimited(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	w.Write(data)
}

// Near-miss: streaming decode, no ReadAll.
func decode(w http.ResponseWriter, r *http.Request) {
	var v map[string]any
	if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
	}
}

// Near-miss: a client response from a service we call.
func fetch(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// Near-miss: reading a local reader of unknown origin.
func slurp(r io.Reader) ([]byte, error) {
	return io.ReadAll(r)
}

type loggingTransport struct {
	next http.RoundTripper
}

// Near-miss: an outgoing request's body is our own data.
func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		_ = b
	}
	return t.next.RoundTrip(req)
}

type forwardAuth struct{ maxBodySize int64 }

// Near-miss: the unbounded read is the branch for a limit the operator configured off (traefik's
// forwardAuth.readBodyBytes); the bounded read follows.
func (fa *forwardAuth) readBodyBytes(req *http.Request) ([]byte, error) {
	if fa.maxBodySize < 0 {
		return io.ReadAll(req.Body)
	}
	body := make([]byte, fa.maxBodySize+1)
	n, err := io.ReadFull(req.Body, body)
	return body[:n], err
}

// Hit: a branch on something other than the limit reads without a bound.
func (fa *forwardAuth) readIfPost(req *http.Request) ([]byte, error) {
	if req.Method == http.MethodPost {
		return io.ReadAll(req.Body) // want "io.ReadAll of the request body is unbounded"
	}
	return nil, nil
}
