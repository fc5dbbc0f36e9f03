package httpclientpercall

import (
	"io"
	"net/http"
	"time"
)

func fetch(url string) ([]byte, error) {
	client := &http.Client{Timeout: 10 * time.Second} // want "http.Client created per call"
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func fetchTuned(req *http.Request) (*http.Response, error) {
	c := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: 10}, // want "new http.Transport per call"
	}
	return c.Do(req)
}

func post(url string, body io.Reader) error {
	tr := &http.Transport{DisableCompression: true} // want "new http.Transport per call"
	client := &http.Client{Transport: tr}
	resp, err := client.Post(url, "application/json", body)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func crawl(urls []string) {
	for _, u := range urls {
		c := http.Client{Timeout: time.Second} // want "http.Client created per call"
		resp, err := c.Get(u)
		if err != nil {
			continue
		}
		resp.Body.Close()
	}
}

func inline(req *http.Request) (*http.Response, error) {
	return (&http.Client{Timeout: 5 * time.Second}).Do(req) // want "http.Client created per call"
}

func cloned(req *http.Request) (*http.Response, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone() // want "new http.Transport per call"
	tr.MaxIdleConns = 5
	return tr.RoundTrip(req)
}

// Near-miss: a package-level client shared by every call.
var shared = &http.Client{Timeout: 10 * time.Second}

func fetchShared(url string) (*http.Response, error) {
	return shared.Get(url)
}

type API struct {
	client *http.Client
}

// Near-miss: a constructor stores the client for reuse.
func NewAPI() *API {
	return &API{client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}}
}

// Near-miss: a setter stores it in a field.
func (a *API) configure(timeout time.Duration) {
	a.client = &http.Client{Timeout: timeout}
}

// Near-miss: built once, reused for every URL.
func crawlReuse(urls []string) {
	c := &http.Client{Timeout: time.Second}
	for _, u := range urls {
		resp, err := c.Get(u)
		if err != nil {
			continue
		}
		resp.Body.Close()
	}
}

// Near-miss: the default client.
func fetchDefault(url string) (*http.Response, error) {
	return http.DefaultClient.Get(url)
}

// Near-miss: a factory returns the client to its caller.
func makeClient(timeout time.Duration) *http.Client {
	c := &http.Client{Timeout: timeout}
	return c
}

// Near-miss: main runs once.
func main() {
	c := &http.Client{Timeout: time.Second}
	resp, err := c.Get("http://localhost/")
	if err == nil {
		resp.Body.Close()
	}
}

// Near-miss: a one-off transport over a fake connection, torn down after use.
func roundTripOnce(req *http.Request) (*http.Response, error) {
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	return tr.RoundTrip(req)
}
