package stringconcatloop

import (
	"strconv"
	"strings"
)

func joinAll(words []string) string {
	var out string
	for _, w := range words {
		out += w + "," // want "out \+= in a loop copies"
	}
	return out
}

func selfPlus(ids []int) string {
	s := ""
	for _, id := range ids {
		s = s + strconv.Itoa(id) // want "s \+= in a loop"
	}
	return s
}

func nested(rows [][]string) []string {
	var lines []string
	for _, row := range rows {
		line := ""
		for _, cell := range row {
			line += cell // want "line \+= in a loop"
		}
		lines = append(lines, line)
	}
	return lines
}

// Near-miss: the variable is reset every iteration and appended once: no growth.
func perIteration(words []string) []string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		label := "item-"
		label += w
		out = append(out, label)
	}
	return out
}

// Near-miss: integers, not strings.
func sum(xs []int) int {
	total := 0
	for _, x := range xs {
		total += x
	}
	return total
}

// Near-miss: the builder is already used.
func builder(words []string) string {
	var b strings.Builder
	for _, w := range words {
		b.WriteString(w)
	}
	return b.String()
}

// Near-miss: a tiny constant loop.
func padding() string {
	p := ""
	for i := 0; i < 4; i++ {
		p += " "
	}
	return p
}

// Near-miss: concatenation outside any loop.
func greet(name string) string {
	s := "hello, "
	s += name
	return s
}
