package splitthenindex

import (
	"bytes"
	"errors"
	"strings"
)

var errBadMethod = errors.New("bad method")

func host(addr string) string {
	return strings.Split(addr, ":")[0] // want "strings.Split allocates every field to use the first; before, _, found := strings.Cut\(addr, \":\"\)"
}

func user(spec string) string {
	parts := strings.Split(spec, ":") // want "strings.Cut\(spec, \":\"\) allocates nothing"
	return parts[0]
}

func serviceMethod(method string) (string, string, error) {
	parts := strings.SplitN(method, "_", 2) // want "to use two; before, after, found := strings.Cut"
	if len(parts) != 2 {
		return "", "", errBadMethod
	}
	return parts[0], parts[1], nil
}

func mechanism(spec string) (string, string) {
	var (
		parts = strings.SplitN(spec, ":", 2) // want "strings.SplitN allocates every field"
		ip    string
	)
	if len(parts) > 1 {
		ip = parts[1]
	}
	return strings.ToLower(parts[0]), ip
}

func key(line []byte) []byte {
	return bytes.Split(line, []byte("="))[0] // want "bytes.Cut"
}

// Near-miss: the second field of a Split ends at the next separator; Cut's after does not.
func second(path string) string {
	return strings.Split(path, "/")[1]
}

// Near-miss: every field is used.
func fields(csv string) int {
	n := 0
	for _, f := range strings.Split(csv, ",") {
		n += len(f)
	}
	return n
}

// Near-miss: the parts are handed on.
func join(path string) string {
	parts := strings.Split(path, "/")
	return strings.Join(parts, "-")
}

// Near-miss: indexed by a variable.
func nth(s string, i int) string {
	parts := strings.SplitN(s, ",", 2)
	return parts[i]
}

// Near-miss: SplitN with another count keeps more than two pieces.
func three(s string) string {
	parts := strings.SplitN(s, ".", 3)
	return parts[0]
}
