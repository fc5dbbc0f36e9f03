package httpbodynotclosed

import (
	"encoding/json"
	"io"
	"net/http"
)

type probeStatus struct{ OK bool }

var lastProbe *http.Response

// decodeStatus only reads the body: the caller still owns it.
func decodeStatus(r *http.Response) (bool, error) {
	var s probeStatus
	err := json.NewDecoder(r.Body).Decode(&s)
	return s.OK, err
}

func drainOnly(r io.Reader) {
	_, _ = io.Copy(io.Discard, r)
}

func discardAll(r io.Reader) {
	buf := make([]byte, 512)
	for {
		if _, err := r.Read(buf); err != nil {
			break
		}
	}
}

func finish(resp *http.Response) {
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func pingReadOnly(url string) {
	resp, err := http.Get(url) // want "never closed"
	if err != nil {
		return
	}
	discardAll(resp.Body)
}

func pingDrained(url string) {
	resp, err := http.Get(url) // want "never closed"
	if err != nil {
		return
	}
	defer drainOnly(resp.Body)
}

func probeFinished(url string) {
	resp, err := http.Get(url)
	if err != nil {
		return
	}
	defer finish(resp)
}

func probeKept(url string) {
	var err error
	lastProbe, err = http.Get(url)
	if err != nil {
		lastProbe = nil
	}
}

func probeDecoded(url string) bool {
	resp, err := http.Get(url)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	ok, _ := decodeStatus(resp)
	return ok
}
