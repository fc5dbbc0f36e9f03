package writestringconversion

import (
	"io"
	"net/http"
	"os"
)

// Echo converts the body to a string and back before writing it.
func Echo(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	w.Write([]byte(string(body))) // want "copies body twice to get the same bytes back; use w.Write\(body\)"
}

// EchoDirect writes the bytes it read: nothing to flag.
func EchoDirect(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	w.Write(body)
}

// Glyph converts a rune, which is not a round trip.
func Glyph(f *os.File, r rune) {
	f.Write([]byte(string(r))) // want "\[\]byte\(string\(r\)\) copies the string"
}
