package mapprealloc

import "strings"

type User struct {
	ID    int
	Email string
	Team  string
}

type Directory struct {
	users []User
}

func byID(users []User) map[int]User {
	m := map[int]User{}
	for _, u := range users {
		m[u.ID] = u // want "size it up front: m := make\(map\[int\]User, len\(users\)\)"
	}
	return m
}

func set(words []string) map[string]struct{} {
	seen := make(map[string]struct{})
	for _, w := range words {
		seen[w] = struct{}{} // want "make\(map\[string\]struct\{\}, len\(words\)\)"
	}
	return seen
}

func (d *Directory) emails() map[string]int {
	idx := make(map[string]int)
	for i := 0; i < len(d.users); i++ {
		idx[strings.ToLower(d.users[i].Email)] = i // want "make\(map\[string\]int, len\(d.users\)\)"
	}
	return idx
}

func invert(m map[string]int) map[int]string {
	var inv = map[int]string{}
	for k, v := range m {
		key := v * 2
		inv[key] = k // want "inv grows and rehashes"
	}
	return inv
}

// Near-miss: a size hint is given.
func byIDSized(users []User) map[int]User {
	m := make(map[int]User, len(users))
	for _, u := range users {
		m[u.ID] = u
	}
	return m
}

// Near-miss: counting; the number of distinct keys is unknown.
func count(words []string) map[string]int {
	counts := map[string]int{}
	for _, w := range words {
		counts[w]++
	}
	return counts
}

// Near-miss: grouping appends to the existing entry.
func byTeam(users []User) map[string][]User {
	groups := make(map[string][]User)
	for _, u := range users {
		groups[u.Team] = append(groups[u.Team], u)
	}
	return groups
}

// Near-miss: the store is filtered.
func withEmail(users []User) map[int]string {
	m := map[int]string{}
	for _, u := range users {
		if u.Email == "" {
			continue
		}
		m[u.ID] = u.Email
	}
	return m
}

// Near-miss: conditional store.
func firstByTeam(users []User) map[string]User {
	first := map[string]User{}
	for _, u := range users {
		if _, ok := first[u.Team]; !ok {
			first[u.Team] = u
		}
	}
	return first
}

// Near-miss: the key does not change between iterations.
func last(users []User) map[string]User {
	m := map[string]User{}
	for _, u := range users {
		m["last"] = u
	}
	return m
}

// Near-miss: keys from a channel.
func collect(ch <-chan User) map[int]User {
	m := make(map[int]User)
	for u := range ch {
		m[u.ID] = u
	}
	return m
}

// Near-miss: a map declared inside the loop, filled by an inner loop over a different collection.
func nested(teams [][]User) int {
	total := 0
	all := map[int]bool{}
	for _, team := range teams {
		for _, u := range team {
			all[u.ID] = true
		}
		total += len(team)
	}
	return total + len(all)
}
