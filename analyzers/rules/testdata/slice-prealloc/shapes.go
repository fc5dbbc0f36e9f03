package sliceprealloc

import "strconv"

type ListResponse struct {
	Header string
	Users  []string
}

type Account struct {
	Name string
}

// A field of a response the function just built.
func listUsers(users []Account) *ListResponse {
	resp := &ListResponse{Header: "v1"}
	for _, u := range users {
		resp.Users = append(resp.Users, u.Name) // want "resp.Users = make\(\[\]string, 0, len\(users\)\)"
	}
	return resp
}

// A field of a zero-valued local struct.
func encode(accounts map[string][]byte) ListResponse {
	var enc ListResponse
	for name := range accounts {
		enc.Users = append(enc.Users, name) // want "enc.Users = make\(\[\]string, 0, len\(accounts\)\)"
	}
	return enc
}

// Near-miss: the literal already gives the field a value.
func withDefaults(users []Account) *ListResponse {
	resp := &ListResponse{Users: []string{"admin"}}
	for _, u := range users {
		resp.Users = append(resp.Users, u.Name)
	}
	return resp
}

// A later spread append does not hide the loop: its length joins the capacity.
func withExtras(users []Account, extra []string) []string {
	var out []string
	for _, u := range users {
		out = append(out, u.Name) // want "make\(\[\]string, 0, len\(users\) \+ len\(extra\)\)"
	}
	out = append(out, extra...)
	return out
}

// Pairs: a loop stepping by two runs len/2 times.
func kvPairs(kv []string) []string {
	var out []string
	for i := 0; i < len(kv); i += 2 {
		out = append(out, kv[i]+"="+kv[i+1]) // want "make\(\[\]string, 0, \(len\(kv\)\+1\)/2\)"
	}
	return out
}

// A guard against an invalid item skips so few that the length is the right capacity.
func liveNames(users []*Account) []string {
	var out []string
	for _, u := range users {
		if u == nil {
			continue
		}
		out = append(out, u.Name) // want "make\(\[\]string, 0, len\(users\)\)"
	}
	return out
}

// Near-miss: a conversion error skips an unknown share.
func parse(fields []string) []int {
	var out []int
	for _, f := range fields {
		n, err := strconv.Atoi(f)
		if n < 0 {
			continue
		}
		if err != nil {
			continue
		}
		out = append(out, n)
	}
	return out
}

// Near-miss: a lookup miss is a filter, not a guard against invalid items.
func known(ids []string, byID map[string]Account) []string {
	var out []string
	for _, id := range ids {
		a, ok := byID[id]
		if !ok {
			continue
		}
		out = append(out, a.Name)
	}
	return out
}

type client struct{ endpoints []string }

// Near-miss: a client's configured endpoints are a handful.
func (c *client) urls() []string {
	var out []string
	for _, ep := range c.endpoints {
		out = append(out, "https://"+ep)
	}
	return out
}

type tlsContext struct{ sans []string }

func (t *tlsContext) GetMatchSubjectAltNames() []string { return t.sans }

// Near-miss: a certificate validation context's subject-alt-name matchers are a few (xDS in grpc-go),
// also when the collection comes from a getter.
func sanMatchers(t *tlsContext) []string {
	var matchers []string
	for _, m := range t.GetMatchSubjectAltNames() {
		matchers = append(matchers, "san:"+m)
	}
	return matchers
}

type peer struct{ caps []string }

func (p *peer) Caps() []string { return p.caps }

// Near-miss: a peer's protocol capabilities (eth/68, snap/1) are a few.
func (p *peer) capNames() []string {
	var names []string
	for _, c := range p.Caps() {
		names = append(names, c+"/1")
	}
	return names
}

type filter struct{ Name string }

type discoveryConfig struct{ Filters []filter }

type discovery struct {
	cfg   *discoveryConfig
	items []filter
}

// Near-miss: the filters a user configured (prometheus' EC2 discovery copies d.cfg.Filters per refresh).
func (d *discovery) filterNames() []string {
	var names []string
	for _, f := range d.cfg.Filters {
		names = append(names, f.Name)
	}
	return names
}

// Hit: the same copy over what the discovery found.
func (d *discovery) itemNames() []string {
	var names []string
	for _, f := range d.items {
		names = append(names, f.Name) // want "append regrows names"
	}
	return names
}

type putOptions struct{ UserDefined []string }

// Hit: per-call options carry the request's data (minio's opts.UserDefined metadata), not configuration.
func metadata(opts putOptions) []string {
	var out []string
	for _, v := range opts.UserDefined {
		out = append(out, v) // want "append regrows out"
	}
	return out
}

type closer interface{ Close() error }

// No hit: the errors of a few writers gathered for one report (prometheus' LeveledCompactor.write).
func closeAll(closers []closer) []error {
	var errs []error
	for _, w := range closers {
		errs = append(errs, w.Close())
	}
	return errs
}

// Hit: the same loop gathering values, not errors.
func closedNames(closers []closer) []string {
	var names []string
	for range closers {
		names = append(names, "closed") // want "append regrows names"
	}
	return names
}
