package nestedloopquadratic

type revision struct{ Main, Sub int64 }

type generationT struct{ revs []revision }

type keyIndexT struct{ generations []generationT }

// since walks each generation's own revisions (a counter declared before the loop): linear
// overall, and r.Main == last compares with an accumulator, not an outer element.
func (ki *keyIndexT) since(start int) []revision {
	var revs []revision
	var last int64
	gi := start
	for ; gi < len(ki.generations); gi++ {
		for _, r := range ki.generations[gi].revs {
			if r.Main == last {
				revs[len(revs)-1] = r
				continue
			}
			revs = append(revs, r)
			last = r.Main
		}
	}
	return revs
}

type labelT struct{ Name, Value string }

type builderT struct{ add []labelT }

// del takes a handful of names as variadic arguments.
func (b *builderT) del(ns ...string) {
	for _, n := range ns {
		for i, a := range b.add {
			if a.Name == n {
				b.add = append(b.add[:i], b.add[i+1:]...)
			}
		}
	}
}

type tag struct{ Key, Value string }

// mergeTags matches two caller-sized slices by key: the quadratic join.
func mergeTags(dst, src []tag) {
	for i := range dst {
		for _, s := range src { // want "nested loop matches src"
			if dst[i].Key == s.Key {
				dst[i].Value = s.Value
			}
		}
	}
}

type rect struct{ X, Y, W, H, Layer int }

func overlapping(rs []rect) int {
	n := 0
	// Every pair of rectangles: a page holds a few dozen, so the O(n^2) walk is deliberate.
	for i := range rs {
		for j := range rs {
			if i != j && rs[i].Layer == rs[j].Layer && rs[i].X < rs[j].X+rs[j].W && rs[j].X < rs[i].X+rs[i].W {
				n++
			}
		}
	}
	return n
}

type grant struct{ Role, Action string }

func grantsFor(roles []string, grants []grant) []grant {
	var out []grant
	for _, role := range roles {
		for _, g := range grants { // want "nested loop matches grants against roles"
			if g.Role == role {
				out = append(out, g)
			}
		}
	}
	return out
}
