package linearsearchinloop

import "slices"

type methodTyp int

type node struct {
	endpoints map[methodTyp]string
}

// Near-miss: the allowed list is built by this loop from a map's own keys (a route's methods).
func (n *node) allowed() []methodTyp {
	var methodsAllowed []methodTyp
	for mt := range n.endpoints {
		if !slices.Contains(methodsAllowed, mt) {
			methodsAllowed = append(methodsAllowed, mt)
		}
	}
	return methodsAllowed
}

type listenerOptions struct {
	Protocols []string
}

// Near-miss: protocol lists are small by construction (h1, h2, h3).
func supported(opts listenerOptions, offered []string) []string {
	var out []string
	for _, p := range offered {
		if slices.Contains(opts.Protocols, p) {
			out = append(out, p)
		}
	}
	return out
}

// A de-duplication of an input of any size: the advice is a set kept beside the list.
func uniqueTags(tags []string) []string {
	var seen []string
	for _, t := range tags {
		if !slices.Contains(seen, t) { // want "keep a set of what seen holds beside it"
			seen = append(seen, t)
		}
	}
	return seen
}
