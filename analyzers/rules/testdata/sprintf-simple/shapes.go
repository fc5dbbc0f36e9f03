package sprintfsimple

import (
	"database/sql"
	"fmt"
	"net/http"
)

// A named string type without a String method prints as its underlying string.
type Verb string

type verbKey struct {
	verb Verb
	name string
}

func (k verbKey) Key() string {
	return fmt.Sprintf("%s:%s", k.verb, k.name) // want "use string\(k.verb\) \+ \":\" \+ k.name"
}

// Near-miss: a named type with its own String method.
type Level int

func (l Level) String() string { return [...]string{"low", "high"}[l] }

func describe(l Level) string {
	return fmt.Sprintf("%d", l)
}

// %v of strings prints them as %s does.
type spec struct{ locator, object string }

func (r spec) ref() string {
	return fmt.Sprintf("%v@%v", r.locator, r.object) // want "use r.locator \+ \"@\" \+ r.object"
}

// Near-miss: the URL is built right before an HTTP request that costs 10,000x more.
func fetchUser(c *http.Client, base string, id int) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/users/%d", base, id), nil)
	if err != nil {
		return nil, err
	}
	return c.Do(req)
}

// Near-miss: SQL text built once per table, beside the query it runs.
func countRows(db *sql.DB, table string) (int, error) {
	var n int
	err := db.QueryRow(fmt.Sprintf("SELECT count(*) FROM %s", table)).Scan(&n)
	return n, err
}

type item struct {
	ID     int
	Active bool
}

// In a loop after the request, one Sprintf per item still adds up.
func labels(c *http.Client, url string, items []item) ([]string, error) {
	resp, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, fmt.Sprintf("%t", it.Active)) // want "strconv.FormatBool\(it.Active\)"
	}
	return out, nil
}
