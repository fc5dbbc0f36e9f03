// Package words counts words; its benchmark's CPU profile (cpu.pprof, from `go test -cpuprofile`)
// is the fixture of a profile taken from another module than the one analysed.
package words

import "strings"

// Count returns how often each word occurs in text.
func Count(text string) map[string]int {
	counts := make(map[string]int)
	for _, w := range strings.Fields(text) {
		counts[strings.ToLower(w)]++
	}
	return counts
}
