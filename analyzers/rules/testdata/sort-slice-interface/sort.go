package sortsliceinterface

import (
	"sort"
	"strings"
)

type Exemplar struct {
	Ts    int64
	Value float64
	Label string
}

func sortExemplars(ex []Exemplar) {
	sort.Slice(ex, func(i, j int) bool { return ex[i].Ts < ex[j].Ts }) // want "sort.Slice swaps through reflection .* slices.SortFunc\(ex, cmp\)"
}

func stableByLabel(ex []Exemplar) {
	sort.SliceStable(ex, func(i, j int) bool { return ex[i].Label < ex[j].Label }) // want "slices.SortStableFunc"
}

// A slice type of the package that sorts in its natural order.
type refs []uint64

func (r refs) Len() int           { return len(r) }
func (r refs) Less(i, j int) bool { return r[i] < r[j] }
func (r refs) Swap(i, j int)      { r[i], r[j] = r[j], r[i] }

func sortRefs(lists [][]uint64) {
	for _, l := range lists {
		sortable := refs(l)
		sort.Sort(&sortable) // want "sort.Sort of refs makes three interface calls per step; slices.Sort"
	}
}

func sortConverted(l []uint64) {
	sort.Sort(refs(l)) // want "slices.Sort on the slice"
}

// A custom order: slices.SortFunc.
type byName []Exemplar

func (b byName) Len() int           { return len(b) }
func (b byName) Less(i, j int) bool { return strings.ToLower(b[i].Label) < strings.ToLower(b[j].Label) }
func (b byName) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

func sortNames(ex []Exemplar) {
	sort.Stable(byName(ex)) // want "slices.SortStableFunc"
}

// Near-miss: sort.Strings calls slices.Sort since Go 1.22.
func sortStrings(s []string) {
	sort.Strings(s)
}

// Near-miss: a sort.Interface that is not a slice type (it sorts two slices together).
type pairs struct {
	keys []string
	vals []int
}

func (p pairs) Len() int           { return len(p.keys) }
func (p pairs) Less(i, j int) bool { return p.keys[i] < p.keys[j] }
func (p pairs) Swap(i, j int) {
	p.keys[i], p.keys[j] = p.keys[j], p.keys[i]
	p.vals[i], p.vals[j] = p.vals[j], p.vals[i]
}

func sortPairs(p pairs) {
	sort.Sort(p)
}

// Near-miss: sort.Search is a binary search, not a sort.
func find(s []int, x int) int {
	return sort.Search(len(s), func(i int) bool { return s[i] >= x })
}
