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

type tenantStats map[string]struct{ series, samples int }

// Near-miss (thanos' receive handler): the second loop ranges over the map it writes, re-setting keys
// it already holds; the map cannot grow there, and the first loop (grouping by tenant) is an accumulation.
func perTenant(series []struct {
	tenant string
	n      int
}, rf int) tenantStats {
	stats := make(tenantStats)
	for _, s := range series {
		st := stats[s.tenant]
		st.series += s.n
		stats[s.tenant] = st
	}
	for tenant, st := range stats {
		st.series /= rf
		stats[tenant] = st
	}
	return stats
}

// Near-miss, thanos' gatherWriteStats as written: the first loops fill the map in the branches of an
// if (grouping by tenant), then a loop over the map itself adjusts every entry in place.
func gatherWriteStats(rf int, writes map[string]map[string][]int) tenantStats {
	var stats = make(tenantStats)
	for er := range writes {
		for tenant, series := range writes[er] {
			if st, ok := stats[tenant]; ok {
				st.series += len(series)
				stats[tenant] = st
			} else {
				stats[tenant] = struct{ series, samples int }{series: len(series)}
			}
		}
	}
	for tenant, st := range stats {
		st.series /= rf
		stats[tenant] = st
	}
	return stats
}
