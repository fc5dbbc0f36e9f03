package byteloopcount

import (
	"bytes"
	"strings"
)

func countLines(data []byte) int {
	lines := 0
	for _, c := range data { // want "byte-at-a-time count of '.n': bytes.Count"
		if c == '\n' {
			lines++
		}
	}
	return lines
}

func countCommas(s string) int {
	n := 0
	for i := 0; i < len(s); i++ { // want "strings.Count\(s, \",\"\)"
		if s[i] == ',' {
			n++
		}
	}
	return n
}

func countRunes(s string) int {
	n := 0
	for _, r := range s { // want "strings.Count\(s, \"é\"\)"
		if r == 'é' {
			n += 1
		}
	}
	return n
}

type stats struct {
	nul int
}

func (st *stats) scan(buf []byte) {
	for i := range buf { // want "count of 0"
		if 0 == buf[i] {
			st.nul++
		}
	}
}

func countSep(b []byte, sep byte) (n int) {
	for _, c := range b { // want "bytes.Count\(b, \[\]byte\{sep\}\)"
		if c == sep {
			n++
		}
	}
	return n
}

// Near-miss: already vectorised.
func countLinesFast(data []byte) int {
	return bytes.Count(data, []byte{'\n'})
}

// Near-miss: counts under an extra condition.
func countUnquotedCommas(s string) int {
	n, quoted := 0, false
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			quoted = !quoted
		} else if s[i] == ',' && !quoted {
			n++
		}
	}
	return n
}

// Near-miss: several counters in one pass (one pass beats three Count calls).
func classify(b []byte) (lines, tabs, spaces int) {
	for _, c := range b {
		switch c {
		case '\n':
			lines++
		case '\t':
			tabs++
		case ' ':
			spaces++
		}
	}
	return
}

// Near-miss: counts matching ints, not bytes.
func countZero(xs []int) int {
	n := 0
	for _, x := range xs {
		if x == 0 {
			n++
		}
	}
	return n
}

// Near-miss: the body also records positions.
func newlinePositions(b []byte) (int, []int) {
	n := 0
	var pos []int
	for i, c := range b {
		if c == '\n' {
			n++
			pos = append(pos, i)
		}
	}
	return n, pos
}

// Near-miss: counts bytes that differ from the previous one.
func runs(b []byte) int {
	n := 0
	for i := 1; i < len(b); i++ {
		if b[i] == b[i-1] {
			n++
		}
	}
	return n
}

// Near-miss: strings.Count is already used.
func words(s string) int {
	return strings.Count(s, " ") + 1
}

func countHigh(s string, c byte) int {
	n := 0
	for i := 0; i < len(s); i++ { // want "count of c: strings.Count is vectorised"
		if s[i] == c {
			n++
		}
	}
	return n
}
