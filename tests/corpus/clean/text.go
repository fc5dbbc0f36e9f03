package clean

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Join renders ids with a builder sized up front.
func Join(ids []int) string {
	var b strings.Builder
	b.Grow(len(ids) * 8)
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(id))
	}
	return b.String()
}

// Names collects names into a preallocated slice.
func Names(users []User) []string {
	out := make([]string, 0, len(users))
	for _, u := range users {
		out = append(out, u.Name)
	}
	return out
}

// ByID indexes users in a map sized up front.
func ByID(users []User) map[int]User {
	m := make(map[int]User, len(users))
	for _, u := range users {
		m[u.ID] = u
	}
	return m
}

// Active filters with a filter-in-place idiom.
func Active(users []User) []User {
	out := users[:0]
	for _, u := range users {
		if u.Active {
			out = append(out, u)
		}
	}
	return out
}

// User is small: copying it in a range loop is fine.
type User struct {
	ID     int
	Name   string
	Active bool
}

// SameName compares case-insensitively without allocating.
func SameName(a, b string) bool {
	return strings.EqualFold(a, b)
}

// Lines counts newlines with the vectorised standard library.
func Lines(data []byte) int {
	return bytes.Count(data, []byte{'\n'})
}

// FirstField returns the text before the first tab.
func FirstField(line []byte) []byte {
	if i := bytes.IndexByte(line, '\t'); i >= 0 {
		return line[:i]
	}
	return line
}

// Width counts runes without converting to []rune.
func Width(s string) int {
	return utf8.RuneCountInString(s)
}

// Reverse reverses the runes of s: []rune is the right tool here.
func Reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// Lookup uses the compiler's no-allocation map index by string(b).
func Lookup(m map[string]int, key []byte) int {
	return m[string(key)]
}

// Tokens runs a small state machine over bytes: not a plain search.
func Tokens(data []byte) int {
	n, inWord := 0, false
	for _, c := range data {
		switch {
		case c == ' ' || c == '\n' || c == '\t':
			inWord = false
		case !inWord:
			inWord = true
			n++
		}
	}
	return n
}

// Label formats a greeting once, outside any loop.
func Label(name string, n int) string {
	return name + ": " + strconv.Itoa(n)
}
