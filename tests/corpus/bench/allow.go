package benchinputs

import (
	"errors"
	"net"
	"strings"
)

// Allowlist holds the networks a client may come from.
type Allowlist struct {
	nets []*net.IPNet
}

// NewAllowlist parses CIDRs; it fails on the first one that does not parse.
func NewAllowlist(cidrs []string) (*Allowlist, error) {
	if len(cidrs) == 0 {
		return nil, errors.New("no networks")
	}
	a := &Allowlist{}
	for _, c := range cidrs {
		_, n, err := net.ParseCIDR(c)
		if err != nil {
			return nil, err
		}
		a.nets = append(a.nets, n)
	}
	return a, nil
}

// Gate admits the first address of a forwarded-for list that is not one of the proxies.
type Gate struct {
	Proxies *Allowlist
}

// Client returns the first address that no proxy network holds.
func (g *Gate) Client(forwarded string) string {
	for _, part := range strings.Split(forwarded, ",") {
		ip := net.ParseIP(strings.TrimSpace(part))
		if ip == nil {
			continue
		}
		inside := false
		for _, n := range g.Proxies.nets {
			if n.Contains(ip) {
				inside = true
			}
		}
		if !inside {
			return ip.String()
		}
	}
	return ""
}
