package byteloopsearch

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

func indexNewline(b []byte) int {
	for i := 0; i < len(b); i++ { // want "byte-at-a-time search for .\\n.: bytes.IndexByte"
		if b[i] == '\n' {
			return i
		}
	}
	return -1
}

func hasColon(s string) bool {
	for i := range s { // want "strings.IndexByte"
		if s[i] == ':' {
			return true
		}
	}
	return false
}

func splitKey(line string) (string, string) {
	for i, r := range line { // want "search for '='"
		if r == '=' {
			return line[:i], line[i+1:]
		}
	}
	return line, ""
}

func containsNul(b []byte) bool {
	found := false
	for _, c := range b { // want "bytes.IndexByte"
		if c == 0 {
			found = true
			break
		}
	}
	return found
}

func lastSlash(path string) int {
	for i := len(path) - 1; i >= 0; i-- { // want "strings.LastIndexByte"
		if path[i] == '/' {
			return i
		}
	}
	return -1
}

func skipToSpace(s string, i int) int {
	for i < len(s) && s[i] != ' ' { // want "search for ' '"
		i++
	}
	return i
}

func scheme(rawURL string) string {
	var i int
	for i = 0; i < len(rawURL) && rawURL[i] != ':'; i++ { // want "strings.IndexByte"
	}
	return rawURL[:i]
}

func indexSep(buf []byte, sep byte) int {
	for i := 0; i < len(buf); i++ { // want "search for sep"
		if sep == buf[i] {
			return i
		}
	}
	return -1
}

type reader struct {
	buf []byte
	pos int
}

func (r *reader) untilQuote() int {
	for i := r.pos; i < len(r.buf); i++ { // want "bytes.IndexByte"
		if r.buf[i] == '"' {
			return i - r.pos
		}
	}
	return -1
}

// Near-miss: already uses the vectorised call.
func indexNewlineFast(b []byte) int {
	return bytes.IndexByte(b, '\n')
}

// Near-miss: a parser state machine does other work per byte.
func countFields(s string) int {
	n, inQuote := 0, false
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			inQuote = !inQuote
		}
		if s[i] == ',' && !inQuote {
			n++
		}
	}
	return n
}

// Near-miss: searching for the first byte that is NOT a space has no IndexByte form.
func skipSpaces(s string) int {
	i := 0
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// Near-miss: a loop over ints, not bytes.
func indexInt(xs []int, x int) int {
	for i := range xs {
		if xs[i] == x {
			return i
		}
	}
	return -1
}

// Near-miss: ranging a string yields runes; a non-ASCII rune needs IndexRune, not IndexByte.
func indexEuro(s string) int {
	for i, r := range s {
		if r == '€' {
			return i
		}
	}
	return -1
}

// Near-miss: the loop transforms each byte; no early exit.
func upper(b []byte) {
	for i := range b {
		if b[i] >= 'a' && b[i] <= 'z' {
			b[i] -= 'a' - 'A'
		}
	}
}

// Near-miss: splits at every match instead of stopping at the first.
func splitLines(b []byte) [][]byte {
	var out [][]byte
	start := 0
	for i, c := range b {
		if c == '\n' {
			out = append(out, b[start:i])
			start = i + 1
		}
	}
	return append(out, b[start:])
}

// Near-miss: compares adjacent bytes; the sought value changes with i.
func firstRepeat(b []byte) int {
	for i := 1; i < len(b); i++ {
		if b[i] == b[i-1] {
			return i
		}
	}
	return -1
}

// Near-miss: a tiny fixed-size header.
func magicEnd(h [8]byte) int {
	for i := 0; i < 4; i++ {
		if h[i] == 0 {
			return i
		}
	}
	return 4
}

// Near-miss: continues past invalid runes; a decode loop, not a search.
func firstInvalid(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			return i
		}
	}
	return strings.IndexByte(s, 0)
}
