package sliceprealloc

type Page struct {
	Number int
	Lines  []string
}

func pagesAfterFirst(total int) []Page {
	var pages []Page
	for i := 1; i < total; i++ {
		pages = append(pages, Page{Number: i}) // want "make\(\[\]Page, 0, total - 1\)"
	}
	return pages
}

func reversed(lines []string) []string {
	var out []string
	for i := len(lines) - 1; i >= 0; i-- {
		out = append(out, lines[i]) // want "make\(\[\]string, 0, len\(lines\)\)"
	}
	return out
}

func countdown(n int) []int {
	var ticks []int
	for i := n; i > 0; i-- {
		ticks = append(ticks, i) // want "make\(\[\]int, 0, n\)"
	}
	return ticks
}

func window(from, to int) []int {
	var ids []int
	for i := from; i <= to; i++ {
		ids = append(ids, i) // want "make\(\[\]int, 0, to - from \+ 1\)"
	}
	return ids
}

// Near misses: tiny constant loops, loops whose count is not a simple difference, and conditions
// with a second exit.

func quarters() []int {
	var qs []int
	for i := 4; i > 0; i-- {
		qs = append(qs, i)
	}
	return qs
}

func halves(n int) []int {
	var xs []int
	for i := n / 2; i < n; i++ {
		xs = append(xs, i)
	}
	return xs
}

func untilBlank(lines []string) []string {
	var head []string
	for i := 0; i < len(lines) && lines[i] != ""; i++ {
		head = append(head, lines[i])
	}
	return head
}

func downToOne(n int) []int {
	var xs []int
	for i := n; i > 1; i-- {
		xs = append(xs, i)
	}
	return xs
}

func lineLengths(lines []string) []int {
	lengths := []int(nil)
	for _, l := range lines {
		lengths = append(lengths, len(l)) // want "make\(\[\]int, 0, len\(lines\)\)"
	}
	return lengths
}
