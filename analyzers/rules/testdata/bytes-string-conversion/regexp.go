package bytesstringconversion

import (
	"bufio"
	"io"
	"regexp"
)

var commentLine = regexp.MustCompile(`^\s*#`)

type matcher struct {
	pattern *regexp.Regexp
}

func countComments(r io.Reader) int {
	n := 0
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Bytes()
		if commentLine.MatchString(string(line)) { // want "string\(line\) copies the bytes .* use commentLine\.Match\(line\)"
			n++
		}
	}
	return n
}

func (m *matcher) spans(text string) [][]int {
	return m.pattern.FindAllIndex([]byte(text), -1) // want "use m\.pattern\.FindAllStringIndex\(text, -1\)"
}

func firstSpan(re *regexp.Regexp, name string) []int {
	return re.FindIndex([]byte(name)) // want "use re\.FindStringIndex\(name\)"
}

func (m *matcher) matchesName(name string) bool {
	re := m.pattern
	return re.Match([]byte(name)) // want "use re\.MatchString\(name\)"
}

// Near misses: already the right method, or the converted value is reused.

func countCommentsRight(r io.Reader) int {
	n := 0
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if commentLine.Match(sc.Bytes()) {
			n++
		}
	}
	return n
}

func matchesText(re *regexp.Regexp, text string) bool {
	return re.MatchString(text)
}

func matchesStored(re *regexp.Regexp, text string) (bool, []byte) {
	b := []byte(text)
	return re.Match(b), b
}

func findBytes(re *regexp.Regexp, text string) []byte {
	return re.Find([]byte(text)) // a different result type: Find returns []byte, FindString a string
}

type fakeRegexp struct{}

func (fakeRegexp) Match(b []byte) bool { return len(b) > 0 }

func notRegexp(f fakeRegexp, s string) bool {
	return f.Match([]byte(s))
}
