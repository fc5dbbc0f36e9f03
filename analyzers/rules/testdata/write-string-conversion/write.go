package writestringconversion

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
)

func health(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("ok\n")) // want "copies the string .*; use io.WriteString\(w, \"ok\\n\"\)"
}

func greet(w http.ResponseWriter, name string) {
	w.Write([]byte(fmt.Sprintf("hello, %s\n", name))) // want "use fmt.Fprintf\(w, ...\)"
}

func writeAll(w io.Writer, lines []string) error {
	for _, line := range lines {
		if _, err := w.Write([]byte(line + "\n")); err != nil { // want "use io.WriteString\(w, line \+ \"\\n\"\)"
			return err
		}
	}
	return nil
}

func flushLines(bw *bufio.Writer, lines []string) {
	for _, l := range lines {
		bw.Write([]byte(l)) // want "use bw.WriteString\(l\)"
	}
}

func toStdout(msg string) {
	os.Stdout.Write([]byte(msg)) // want "use os.Stdout.WriteString\(msg\)"
}

func report(conn net.Conn, code int) {
	conn.Write([]byte(fmt.Sprint(code))) // want "use fmt.Fprint\(conn, ...\)"
}

// Near-miss: already io.WriteString.
func healthFast(w http.ResponseWriter) {
	io.WriteString(w, "ok\n")
}

// Near-miss: the argument is already bytes.
func raw(w io.Writer, payload []byte) {
	w.Write(payload)
}

// Near-miss: hashing a string (hashes have no WriteString; the concrete Write does not escape).
func digest(s string) []byte {
	h := sha256.New()
	h.Write([]byte(s))
	return h.Sum(nil)
}

// Near-miss: a hash passed in.
func mix(h hash.Hash, key string) {
	h.Write([]byte(key))
}

// Near-miss: since Go 1.22 a bytes.Buffer Write of []byte(s) does not copy.
func buffer(parts []string) string {
	var buf bytes.Buffer
	for _, p := range parts {
		buf.Write([]byte(p))
	}
	return buf.String()
}

// Near-miss in every Go version: a short constant for a parameter that does not escape is copied
// into a stack buffer.
func lines(parts []string) []byte {
	var buf bytes.Buffer
	for _, p := range parts {
		buf.WriteString(p)
		buf.Write([]byte("\n"))
	}
	return buf.Bytes()
}

// Near-miss: strings.Builder likewise.
func build(sb *strings.Builder, s string) {
	sb.Write([]byte(s))
}

// Near-miss: a net.Conn has no WriteString: io.WriteString would copy anyway.
func send(conn net.Conn, s string) {
	conn.Write([]byte(s))
}

// Near-miss: Fprintf already.
func greetFast(w http.ResponseWriter, name string) {
	fmt.Fprintf(w, "hello, %s\n", name)
}

// Near-miss: a rune slice is not a byte conversion.
func runes(w io.Writer, b []byte) {
	w.Write(append([]byte{}, b...))
}

type stringWriter struct {
	w io.Writer
}

// Near-miss: the adapter used when the writer has no WriteString of its own.
func (sw stringWriter) WriteString(s string) (int, error) {
	return sw.w.Write([]byte(s))
}
