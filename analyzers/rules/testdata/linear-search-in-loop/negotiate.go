package linearsearchinloop

import "slices"

type tenant struct {
	ID    string
	Plan  string
	Seats int
}

type directory struct {
	tenants []tenant
}

// IndexFunc / ContainsFunc with a predicate that matches one key by equality: a map lookup.
func (d *directory) owners(users []string) map[string]string {
	owner := make(map[string]string)
	for _, u := range users {
		i := slices.IndexFunc(d.tenants, func(t tenant) bool { return t.ID == u }) // want "slices.IndexFunc scans d.tenants"
		if i >= 0 {
			owner[u] = d.tenants[i].Plan
		}
	}
	return owner
}

func activeCount(ids []string, active []string) int {
	n := 0
	for _, id := range ids {
		if slices.ContainsFunc(active, func(a string) bool { return a == id }) { // want "slices.ContainsFunc scans active"
			n++
		}
	}
	return n
}

// A predicate that is a range test, not a key: no map can answer it.
func (d *directory) anyLarge(mins []int) int {
	n := 0
	for _, m := range mins {
		if slices.ContainsFunc(d.tenants, func(t tenant) bool { return t.Seats >= m }) {
			n++
		}
	}
	return n
}

var serverProtos = []string{"h2", "http/1.1", "acme-tls/1"}

// The loop walks a few-element preference list (a local alias of package literals): a handful of
// scans in all.
func pickProto(offered []string, h2Only bool) string {
	prefs := serverProtos
	if h2Only {
		prefs = serverProtos[:1]
	}
	for _, p := range prefs {
		if slices.Contains(offered, p) {
			return p
		}
	}
	return ""
}

// A variadic list is called with a handful of arguments.
func hasAny(names []string, allowed ...string) bool {
	for _, n := range names {
		if slices.Contains(allowed, n) {
			return true
		}
	}
	return false
}

type field struct{ Name, Value string }

func checkPseudo(fields []field) bool {
	for i, f := range fields {
		// Check for duplicates: quadratic, but n is at most 5 pseudo-headers.
		for _, g := range fields[:i] {
			if f.Name == g.Name {
				return false
			}
		}
	}
	return true
}
