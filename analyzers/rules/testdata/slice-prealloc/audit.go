package sliceprealloc

import "net/http"

type IDs []int

type Set struct {
	users []User
}

func (s *Set) ids() IDs {
	var out IDs
	for _, u := range s.users {
		out = append(out, u.ID) // want "make\(IDs, 0, len\(s.users\)\)"
	}
	return out
}

func headerPairs(h http.Header) []string {
	var pairs []string
	for name := range h {
		pairs = append(pairs, name) // want "make\(\[\]string, 0, len\(h\)\)"
	}
	return pairs
}

func (s *Set) idsSized() IDs {
	out := make(IDs, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, u.ID)
	}
	return out
}

func (s *Set) namedIDs(name string) IDs {
	var out IDs
	for _, u := range s.users {
		if u.Name == name {
			out = append(out, u.ID)
		}
	}
	return out
}
