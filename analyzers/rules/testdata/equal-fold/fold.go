package equalfold

import (
	"bytes"
	"net/http"
	"strings"
)

type User struct {
	Email string
}

func sameEmail(a, b User) bool {
	return strings.ToLower(a.Email) == strings.ToLower(b.Email) // want "use strings.EqualFold\(a.Email, b.Email\)"
}

func isWebsocket(r *http.Request) bool {
	return strings.ToLower(r.Header.Get("Upgrade")) == "websocket" // want "use strings.EqualFold\(r.Header.Get\(\"Upgrade\"\), \"websocket\"\)"
}

func notGet(method string) bool {
	return "GET" != strings.ToUpper(method) // want "use !strings.EqualFold\(\"GET\", method\)"
}

func find(users []User, email string) int {
	for i, u := range users {
		if strings.ToUpper(u.Email) == strings.ToUpper(email) { // want "strings.EqualFold\(u.Email, email\)"
			return i
		}
	}
	return -1
}

func sameToken(a, b []byte) bool {
	return bytes.Equal(bytes.ToLower(a), bytes.ToLower(b)) // want "use bytes.EqualFold\(a, b\)"
}

// Near-miss: already EqualFold.
func sameEmailFast(a, b User) bool {
	return strings.EqualFold(a.Email, b.Email)
}

// Near-miss: the lowered value is kept as a map key.
func index(users []User) map[string]User {
	m := make(map[string]User, len(users))
	for _, u := range users {
		m[strings.ToLower(u.Email)] = u
	}
	return m
}

// Near-miss: lowered once and compared with several values.
func kind(s string) int {
	switch strings.ToLower(s) {
	case "a":
		return 1
	case "b":
		return 2
	}
	return 0
}

// Near-miss: a literal with capitals never equals a lowered string (a bug, not a cost).
func broken(s string) bool {
	return strings.ToLower(s) == "Yes"
}

// Near-miss: mixed functions are not a case-insensitive comparison.
func mixed(a, b string) bool {
	return strings.ToLower(a) == strings.ToUpper(b)
}

// Near-miss: comparing with a variable that may hold capitals.
func prefix(a, b string) bool {
	return strings.ToLower(a) == b
}

// Near-miss: the lowered value is reused.
func normalized(s string) (string, bool) {
	l := strings.ToLower(s)
	return l, l == "admin"
}
