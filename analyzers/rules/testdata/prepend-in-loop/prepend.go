package prependinloop

import "slices"

type node struct {
	name   string
	parent *node
}

func pathOf(n *node) []string {
	var path []string
	for ; n != nil; n = n.parent {
		path = append([]string{n.name}, path...) // want "prepending to path copies the whole slice every iteration"
	}
	return path
}

func newestFirst(ids []int) []int {
	out := make([]int, 0, len(ids))
	for _, id := range ids {
		out = slices.Insert(out, 0, id) // want "prepending to out copies"
	}
	return out
}

type history struct{ entries []string }

func (h *history) load(lines []string) {
	for _, l := range lines {
		h.entries = append([]string{l}, h.entries...) // want "slices.Reverse"
	}
}

func stack(r <-chan byte) []byte {
	var buf []byte
	for b := range r {
		buf = append([]byte{b}, buf...) // want "prepending to buf"
	}
	return buf
}

// Near-miss: append then reverse once, the fix.
func pathOfFixed(n *node) []string {
	var path []string
	for ; n != nil; n = n.parent {
		path = append(path, n.name)
	}
	slices.Reverse(path)
	return path
}

// Near-miss: a per-iteration slice.
func pairs(xs []int) [][]int {
	out := make([][]int, 0, len(xs))
	for _, x := range xs {
		row := []int{x * 2}
		row = append([]int{x}, row...)
		out = append(out, row)
	}
	return out
}

// Near-miss: a single prepend outside any loop.
func withHeader(rows []string) []string {
	return append([]string{"header"}, rows...)
}

// Near-miss: insertion in the middle at a computed position (sorted insert), not a prepend.
func insertSorted(xs []int, vs []int) []int {
	for _, v := range vs {
		i, _ := slices.BinarySearch(xs, v)
		xs = slices.Insert(xs, i, v)
	}
	return xs
}

// Near-miss: a tiny fixed loop.
func prefix3(xs []string) []string {
	for i := 0; i < 3; i++ {
		xs = append([]string{"-"}, xs...)
	}
	return xs
}

type field struct{ idx []int }

// Near-miss: each element's own slice is prepended to once.
func nest(i int, fields []field) []field {
	for _, f := range fields {
		f.idx = append([]int{i}, f.idx...)
		fields[0] = f
	}
	return fields
}

// Near-miss: the prepend runs the first time only (the guard fails once the slice has entries).
func annotate(loggers []func([]string), msg string, base func() []string) {
	var fields []string
	for _, log := range loggers {
		if fields == nil {
			fields = base()
			fields = append([]string{"error", msg}, fields...)
		}
		log(fields)
	}
}
