package runesliceconversion

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

func isName(s string) bool {
	for _, r := range []rune(s) { // want "range over s directly"
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

func upperCount(words []string) int {
	n := 0
	for _, w := range words {
		for _, r := range []rune(strings.TrimSpace(w)) { // want "range over strings.TrimSpace\(w\) directly"
			if unicode.IsUpper(r) {
				n++
			}
		}
	}
	return n
}

func palindrome(s string) bool {
	n := utf8.RuneCountInString(s)
	for i := 0; i < n/2; i++ {
		if []rune(s)[i] != []rune(s)[n-1-i] { // want "converts the whole string on every iteration"
			return false
		}
	}
	return true
}

func initials(name string, idx []int) string {
	var b strings.Builder
	for _, i := range idx {
		b.WriteRune([]rune(name)[i]) // want "convert once before the loop"
	}
	return b.String()
}

// Near-miss: the compiler turns len([]rune(s)) into a rune count without allocating.
func width(s string) int {
	return len([]rune(s))
}

// Near-miss: the rune index is used.
func positions(s string) []int {
	var out []int
	for i, r := range []rune(s) {
		if r == 'x' {
			out = append(out, i)
		}
	}
	return out
}

// Near-miss: converted once, then indexed in the loop.
func palindromeFast(s string) bool {
	rs := []rune(s)
	for i := 0; i < len(rs)/2; i++ {
		if rs[i] != rs[len(rs)-1-i] {
			return false
		}
	}
	return true
}

// Near-miss: reversed in place.
func reverse(s string) string {
	rs := []rune(s)
	for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
		rs[i], rs[j] = rs[j], rs[i]
	}
	return string(rs)
}

// Near-miss: truncation to n runes.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// Near-miss: one conversion per distinct word.
func firstRunes(words []string) []rune {
	out := make([]rune, 0, len(words))
	for _, w := range words {
		if w != "" {
			out = append(out, []rune(w)[0])
		}
	}
	return out
}

// Near-miss: ranging over the string already.
func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}
