package stringconcatloop

type report struct {
	title string
	body  string
	count int
}

func lines(xs []string) string {
	out := ""
	for _, x := range xs {
		out = out + x + "\n" // want "out \+= in a loop copies"
	}
	return out
}

func (r *report) addRows(rows []string) {
	for _, row := range rows {
		r.body = r.body + row + "\n" // want "r.body \+= in a loop copies"
	}
}

func (r *report) addTitles(parts []string) {
	for _, p := range parts {
		r.title += p // want "r.title \+= in a loop copies"
		r.count++
	}
}

func retitle(rs []report) {
	for i := range rs {
		r := &rs[i]
		r.title += "!"
	}
	for _, r := range rs {
		r.body += "."
		_ = r.body
	}
}

func (r *report) prefixed(parts []string) {
	for _, p := range parts {
		r.count += len(p)
		r.body = p + r.body[:0]
	}
}
