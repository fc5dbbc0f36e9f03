package sprintfsimple

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

type Item struct {
	Tenant string
	Name   string
	Count  int
}

type Color string

func (c Color) String() string { return "color:" + string(c) }

func cacheKey(tenant, name string) string {
	return fmt.Sprintf("%s:%s", tenant, name) // want "use tenant \+ \":\" \+ name"
}

func itemKey(it *Item) string {
	return fmt.Sprintf("%s/%s", it.Tenant, it.Name) // want "use it.Tenant \+ \"/\" \+ it.Name"
}

func idString(n int) string {
	return fmt.Sprintf("%d", n) // want "use strconv.Itoa\(n\)"
}

func userKey(id int64) string {
	return fmt.Sprintf("user-%d", id) // want "use \"user-\" \+ strconv.FormatInt\(id, 10\)"
}

func label(it Item) string {
	return fmt.Sprint(it.Count) // want "strconv.Itoa\(it.Count\)"
}

func same(s string) string {
	return fmt.Sprintf("%s", s) // want "fmt.Sprintf boxes .*; use s$"
}

func headers(keys []string, page int) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, fmt.Sprintf("X-%s-%d", k, page)) // want "\"X-\" \+ k \+ \"-\" \+ strconv.Itoa\(page\)"
	}
	return out
}

// Near-miss: %v on a value of unknown type.
func anything(v any) string {
	return fmt.Sprintf("%v", v)
}

// Near-miss: %q quotes and escapes.
func quoted(s string) string {
	return fmt.Sprintf("%q", s)
}

// Near-miss: widths and padding.
func padded(n int) string {
	return fmt.Sprintf("%05d", n)
}

// Near-miss: hex.
func hexed(n int) string {
	return fmt.Sprintf("%x", n)
}

// Near-miss: an error operand.
func wrapped(err error) string {
	return fmt.Sprintf("failed: %s", err)
}

// Near-miss: a named string type with a String method.
func colored(c Color) string {
	return fmt.Sprintf("%s", c)
}

func percent(f float64) string {
	return fmt.Sprintf("%d", int(f*100)) + "%" // want "strconv.Itoa\(int\(f\*100\)\)"
}

// Near-miss: a float.
func ratio(f float64) string {
	return fmt.Sprint(f)
}

// Near-miss: a duration has its own String method.
func elapsed(d time.Duration) string {
	return fmt.Sprintf("took %s", d)
}

func size(w, h int) string {
	return fmt.Sprintf("%dx%d", w, h) // want "use strconv.Itoa\(w\) \+ \"x\" \+ strconv.Itoa\(h\)"
}

// Near-miss: three integers: the concatenation would read worse than the format.
func version(major, minor, patch int) string {
	return fmt.Sprintf("v%d.%d.%d", major, minor, patch)
}

// Near-miss: already strconv.
func fast(n int) string {
	return strconv.Itoa(n)
}

// Near-miss: %T.
func typeName(v any) string {
	return fmt.Sprintf("%T", v)
}

// Near-miss: not fmt.Sprintf, and an error built with errors.New.
func newErr(name string) error {
	return errors.New(name)
}
