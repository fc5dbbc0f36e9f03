package mapprealloc

import (
	"net/http"
	"runtime"
	"strings"
)

// Collections whose types come from the standard library's signatures.

func fieldSet(line string) map[string]bool {
	seen := make(map[string]bool)
	for _, f := range strings.Fields(line) {
		seen[f] = true // want "seen := make\(map\[string\]bool, len\(items\)\) after items := strings.Fields\(line\)"
	}
	return seen
}

func headerNames(r *http.Request) map[string]bool {
	names := map[string]bool{}
	for k := range r.Header {
		names[strings.ToLower(k)] = true // want "names := make\(map\[string\]bool, len\(r.Header\)\)"
	}
	return names
}

// Near miss: a count from a call, not a collection (the count would have to be hoisted by hand).

func perCPU() map[int]int {
	slots := make(map[int]int)
	for i := range runtime.NumCPU() {
		slots[i] = 0
	}
	return slots
}
