package mapprealloc

type NameSet map[string]bool

type Index struct {
	users  []User
	byMail map[string]int
	byTeam map[string][]int
}

func (x *Index) rebuild() {
	x.byMail = make(map[string]int)
	for i, u := range x.users {
		x.byMail[u.Email] = i // want "x.byMail = make\(map\[string\]int, len\(x.users\)\)"
	}
}

func teams(users []User) NameSet {
	ns := NameSet{}
	for _, u := range users {
		ns[u.Team] = true // want "ns := make\(NameSet, len\(users\)\)"
	}
	return ns
}

func (x *Index) rebuildSized() {
	x.byMail = make(map[string]int, len(x.users))
	for i, u := range x.users {
		x.byMail[u.Email] = i
	}
}

func (x *Index) rebuildTeams() {
	x.byTeam = map[string][]int{}
	for i, u := range x.users {
		x.byTeam[u.Team] = append(x.byTeam[u.Team], i)
	}
}

func (x *Index) refill(extra []User) {
	x.byMail = make(map[string]int)
	x.load(x.byMail)
	for i, u := range extra {
		x.byMail[u.Email] = i
	}
}

func (x *Index) load(m map[string]int) {
	for i, u := range x.users {
		if u.Email != "" {
			m[u.Email] = i
		}
	}
}

type platform struct{ LayerTypes []string }

// Near-miss: a set made lazily and filled from every platform's list (containerd's unpacker): the
// size is a sum over the outer loop, not one list's length.
func layerTypesOf(platforms []platform) map[string]bool {
	var layerTypes map[string]bool
	for _, p := range platforms {
		if len(p.LayerTypes) > 0 {
			if layerTypes == nil {
				layerTypes = make(map[string]bool)
			}
			for _, t := range p.LayerTypes {
				layerTypes[t] = true
			}
		}
	}
	return layerTypes
}

// Hit: made fresh for each platform, filled from its list alone.
func layerTypesEach(platforms []platform) []map[string]bool {
	out := make([]map[string]bool, 0, len(platforms))
	for _, p := range platforms {
		types := make(map[string]bool)
		for _, t := range p.LayerTypes {
			types[t] = true // want "types grows and rehashes"
		}
		out = append(out, types)
	}
	return out
}
