package httpbodynotclosed

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

type item struct {
	ID int `json:"id"`
}

func getItem(url string) (item, error) {
	var v item
	resp, err := http.Get(url) // want "response body of http.Get is never closed"
	if err != nil {
		return v, err
	}
	err = json.NewDecoder(resp.Body).Decode(&v)
	return v, err
}

func status(c *http.Client, req *http.Request) (int, error) {
	resp, err := c.Do(req) // want "response body of c.Do is never closed"
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func ping(url string) error {
	_, err := http.Head(url) // want "never closed"
	return err
}

type service struct {
	httpClient *http.Client
}

func (s *service) fetch(url string) ([]byte, error) {
	res, err := s.httpClient.Get(url) // want "s.httpClient.Get"
	if err != nil {
		return nil, err
	}
	return io.ReadAll(res.Body)
}

func poll(apiClient *http.Client, urls []string) int {
	ok := 0
	for _, u := range urls {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		resp, err := apiClient.Do(req) // want "apiClient.Do"
		if err == nil && resp.StatusCode == http.StatusOK {
			ok++
		}
	}
	return ok
}

// Near-miss: deferred close after the error check.
func getItemClosed(url string) (item, error) {
	var v item
	resp, err := http.Get(url)
	if err != nil {
		return v, err
	}
	defer resp.Body.Close()
	err = json.NewDecoder(resp.Body).Decode(&v)
	return v, err
}

// Near-miss: closed on every path without defer.
func statusClosed(c *http.Client, req *http.Request) (int, error) {
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	code := resp.StatusCode
	if err := resp.Body.Close(); err != nil {
		return 0, err
	}
	return code, nil
}

// Near-miss: the response goes to the caller, who closes it.
func open(url string) (*http.Response, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, errors.New(resp.Status)
	}
	return resp, nil
}

// Near-miss: a helper drains and closes.
func drainAndClose(resp *http.Response) {
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func touch(url string) error {
	resp, err := http.Post(url, "text/plain", nil)
	if err != nil {
		return err
	}
	drainAndClose(resp)
	return nil
}

// Near-miss: closed in a deferred closure.
func fetchClosure(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer func() {
		_ = resp.Body.Close()
	}()
	return io.ReadAll(resp.Body)
}

// Near-miss: the body is returned as a stream.
func stream(url string) (io.ReadCloser, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// Near-miss: named result, returned implicitly.
func raw(c *http.Client, req *http.Request) (resp *http.Response, err error) {
	resp, err = c.Do(req)
	return
}

type cache struct{ m map[string]string }

func (c *cache) Get(k string) (string, error) { return c.m[k], nil }

// Near-miss: a Get method that is not HTTP.
func lookup(cacheClient *cache) string {
	v, _ := cacheClient.Get("k")
	return v
}
