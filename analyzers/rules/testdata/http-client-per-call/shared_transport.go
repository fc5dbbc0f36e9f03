package httpclientpercall

import (
	"bytes"
	"net/http"
	"time"
)

var pooled = &http.Transport{MaxIdleConnsPerHost: 32}

// Near-miss: a cheap Client per call over a shared transport keeps the connection pool.
func notify(url string, body []byte, timeout time.Duration) error {
	c := &http.Client{Timeout: timeout, Transport: pooled}
	resp, err := c.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Near-miss: the caller's transport.
func notifyVia(rt http.RoundTripper, url string) error {
	c := http.Client{Transport: rt, Timeout: time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
