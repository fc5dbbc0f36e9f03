package linearsearchinloop

import (
	"slices"
	"strings"
)

type User struct {
	ID    string
	Roles []string
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func activeUsers(users []User, banned []string) []User {
	out := make([]User, 0, len(users))
	for _, u := range users {
		if slices.Contains(banned, u.ID) { // want "slices.Contains scans banned on every iteration"
			continue
		}
		out = append(out, u)
	}
	return out
}

func dedupe(ids []string) []string {
	var out []string
	for _, id := range ids {
		if !contains(out, id) { // want "contains scans out on every iteration"
			out = append(out, id)
		}
	}
	return out
}

func positions(words, vocab []string) []int {
	pos := make([]int, 0, len(words))
	for _, w := range words {
		pos = append(pos, slices.Index(vocab, w)) // want "slices.Index scans vocab"
	}
	return pos
}

type index struct{ known []string }

func (ix *index) missing(keys []string) int {
	n := 0
	for _, k := range keys {
		found := false
		for _, have := range ix.known { // want "inner loop searches ix.known linearly"
			if have == k {
				found = true
				break
			}
		}
		if !found {
			n++
		}
	}
	return n
}

func firstOwner(users []User, ids []string) map[string]int {
	owner := make(map[string]int, len(ids))
	for _, id := range ids {
		for i := 0; i < len(users); i++ { // want "inner loop searches users linearly"
			if users[i].ID == id {
				owner[id] = i
				break
			}
		}
	}
	return owner
}

// Near-miss: a set built once, the fix.
func activeUsersFixed(users []User, banned []string) []User {
	set := make(map[string]struct{}, len(banned))
	for _, b := range banned {
		set[b] = struct{}{}
	}
	out := make([]User, 0, len(users))
	for _, u := range users {
		if _, ok := set[u.ID]; !ok {
			out = append(out, u)
		}
	}
	return out
}

// Near-miss: a tiny constant set.
var adminRoles = []string{"admin", "root"}

func admins(users []User) int {
	n := 0
	for _, u := range users {
		for _, r := range u.Roles {
			if slices.Contains(adminRoles, r) {
				n++
			}
		}
	}
	return n
}

// Near-miss: each element's own collection is searched.
func withRole(users []User, role string) []string {
	var ids []string
	for _, u := range users {
		if slices.Contains(u.Roles, role) {
			ids = append(ids, u.ID)
		}
	}
	return ids
}

// Near-miss: substring search on a string.
func matching(lines []string, needle string) int {
	n := 0
	for _, l := range lines {
		if strings.Contains(l, needle) {
			n++
		}
	}
	return n
}

// Near-miss: an inline literal of a few elements.
func skipHidden(names []string) []string {
	var out []string
	for _, n := range names {
		if slices.Contains([]string{".git", ".svn", ".hg"}, n) {
			continue
		}
		out = append(out, n)
	}
	return out
}

// Near-miss: a binary search over sorted data.
func present(sorted, queries []string) int {
	n := 0
	for _, q := range queries {
		if _, ok := slices.BinarySearch(sorted, q); ok {
			n++
		}
	}
	return n
}

// Near-miss: one search, outside any loop.
func isBanned(banned []string, id string) bool {
	return slices.Contains(banned, id)
}

func skipDirs(paths []string) []string {
	skip := []string{".git", "node_modules", "vendor"}
	var keep []string
	for _, p := range paths {
		if slices.Contains(skip, p) {
			continue
		}
		keep = append(keep, p)
	}
	return keep
}

func skipDirsGrowing(paths, extra []string) []string {
	skip := []string{".git"}
	skip = append(skip, extra...)
	var keep []string
	for _, p := range paths {
		if !slices.Contains(skip, p) { // want "slices.Contains scans skip"
			keep = append(keep, p)
		}
	}
	return keep
}
