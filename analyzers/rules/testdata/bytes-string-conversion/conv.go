package bytesstringconversion

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strings"
)

func comments(lines [][]byte) int {
	n := 0
	for _, line := range lines {
		if strings.HasPrefix(string(line), "#") { // want "use bytes.HasPrefix\(line, \[\]byte\(\"#\"\)\)"
			n++
		}
	}
	return n
}

func hasError(r io.Reader) (bool, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return false, err
	}
	return strings.Contains(string(body), "error"), nil // want "string\(body\) copies the bytes"
}

func fieldAt(buf []byte, sep byte) int {
	return strings.IndexByte(string(buf), sep) // want "use bytes.IndexByte\(buf, sep\)"
}

func hasBrace(s string) bool {
	return bytes.Contains([]byte(s), []byte("{")) // want "use strings.Contains\(s, \"\{\"\)"
}

func firstSpace(s string) int {
	return bytes.IndexAny([]byte(s), " \t") // want "use strings.IndexAny\(s, \" \\t\"\)"
}

// Near-miss: since Go 1.22 []byte(s) passed to bytes.HasPrefix is not copied.
func isJSON(s string) bool {
	return bytes.HasPrefix([]byte(s), []byte("{"))
}

func countTabs(s string) int {
	return bytes.Count([]byte(s), []byte("\t")) // want "\[\]byte\(s\) copies the string"
}

func search(data []byte, needle string) bool {
	return strings.Contains(string(data), needle) // want "use bytes.Contains\(data, ...\)"
}

// Near-miss: comparison; the compiler does not allocate.
func isGet(method []byte) bool {
	return string(method) == "GET"
}

// Near-miss: map lookup; the compiler does not allocate.
func lookup(m map[string]int, key []byte) int {
	return m[string(key)]
}

// Near-miss: switch on a conversion.
func verb(b []byte) int {
	switch string(b) {
	case "GET":
		return 1
	case "POST":
		return 2
	}
	return 0
}

// Near-miss: already the right package.
func fast(lines [][]byte) int {
	n := 0
	for _, line := range lines {
		if bytes.HasPrefix(line, []byte("#")) {
			n++
		}
	}
	return n
}

// Near-miss: the result is a string that is kept.
func title(b []byte) string {
	return strings.TrimSpace(string(b))
}

// Near-miss: string of a rune is not a byte copy.
func hasRune(s string, r rune) bool {
	return strings.Contains(s, string(r))
}

// Near-miss: the converted string is used more than once.
func scan(f *os.File) int {
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "//") && strings.Contains(line, "TODO") {
			n++
		}
	}
	return n
}

// Near-miss: comparing to a string of about the same length; bytes.EqualFold would copy s instead.
func sameName(name []byte, s string) bool {
	return strings.EqualFold(string(name), s)
}
