package mapprealloc

import (
	"net/http"
	"strings"
)

type MetricSet struct{ metrics map[string]bool }

// Filled from two sources: the size is their sum, reported once at the first loop.
func (m *MetricSet) Add(names ...string) *MetricSet {
	merged := make(map[string]bool)
	for metric := range m.metrics {
		merged[metric] = true // want "make\(map\[string\]bool, len\(m.metrics\) \+ len\(names\)\)"
	}
	for _, metric := range names {
		merged[metric] = true
	}
	return &MetricSet{metrics: merged}
}

// One entry before the loop, then one per item: len + 1, as the authors of the fix wrote it.
func flatten(account map[string][]byte, storage map[string]map[string][]byte) map[string]map[string][]byte {
	nodes := make(map[string]map[string][]byte)
	if len(account) > 0 {
		nodes[""] = account
	}
	for owner, subset := range storage {
		nodes[owner] = subset // want "make\(map\[string\]map\[string\]\[\]byte, len\(storage\) \+ 1\)"
	}
	return nodes
}

// Near-miss: the second source's size is unknown (a channel).
func drain(seed []string, more <-chan string) map[string]struct{} {
	set := make(map[string]struct{})
	for _, s := range seed {
		set[s] = struct{}{}
	}
	for s := range more {
		set[s] = struct{}{}
	}
	return set
}

// A map re-made for each group right before its loop.
func regroup(groups map[string][]string) map[string]map[string]int {
	out := make(map[string]map[string]int, len(groups))
	for g, members := range groups {
		current, ok := out[g]
		if !ok {
			current = make(map[string]int)
			for i, m := range members {
				current[m] = i // want "current = make\(map\[string\]int, len\(members\)\)"
			}
			out[g] = current
		} else {
			for i, m := range members {
				current[m] += i
			}
		}
	}
	return out
}

// A standard-library named map.
func canonical(h http.Header) http.Header {
	vals := make(http.Header)
	for k, vv := range h {
		vals[strings.ToLower(k)] = vv // want "make\(http.Header, len\(h\)\)"
	}
	return vals
}

// Near-miss: the configured servers are a handful.
func serverSet(servers []string) map[string]bool {
	set := make(map[string]bool)
	for _, s := range servers {
		set[s] = true
	}
	return set
}
