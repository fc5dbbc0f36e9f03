package sprintfsimple

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Operands whose types come from the standard library's signatures.

func lowerKey(x string) string {
	return fmt.Sprintf("%s", strings.ToLower(x)) // want "use strings.ToLower\(x\)$"
}

func fileDigest(data []byte) string {
	h := sha256.New()
	h.Write(data)
	return fmt.Sprintf("%x", h.Sum(nil)) // want "use hex.EncodeToString\(h.Sum\(nil\)\) \(import encoding/hex\)"
}

func requestLine(r *http.Request) string {
	return fmt.Sprintf("%s %s", r.Method, r.URL.Path) // want "use r.Method \+ \" \" \+ r.URL.Path"
}

func lengthHeader(r *http.Request) string {
	return fmt.Sprintf("%d", r.ContentLength) // want "use strconv.FormatInt\(r.ContentLength, 10\)"
}

func fieldCount(line string) string {
	return fmt.Sprint(strings.Count(line, ",")) // want "use strconv.Itoa\(strings.Count\(line, \",\"\)\)"
}

func baseName(path string) string {
	return fmt.Sprintf("file:%s", filepath.Base(path)) // want "use \"file:\" \+ filepath.Base\(path\)"
}

func firstLine(rd *bufio.Reader) string {
	line, _ := rd.ReadString('\n')
	return fmt.Sprintf("> %s", line) // want "use \"> \" \+ line"
}

func hostOf(addr string) string {
	host, _, _ := net.SplitHostPort(addr)
	return fmt.Sprintf("host=%s", host) // want "use \"host=\" \+ host"
}

func firstName(names []string) string {
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	return fmt.Sprintf("%s", sorted[0]) // want "use sorted\[0\]$"
}

func protoLabel(resp *http.Response) string {
	return fmt.Sprintf("%d", resp.ProtoMajor*10+resp.ProtoMinor) // want "use strconv.Itoa\(resp.ProtoMajor\*10\+resp.ProtoMinor\)"
}

func methodName() string {
	return fmt.Sprintf("%s", http.MethodGet) // want "use http.MethodGet$"
}

// Near misses: the types say the cheap forms would print something else.

func waitLabel() string {
	return fmt.Sprintf("%v", 2*time.Second) // time.Duration is a Stringer ("2s")
}

func target(r *http.Request) string {
	return fmt.Sprintf("%s", r.URL) // *url.URL prints through its String method
}

func modeLabel(fi os.FileInfo) string {
	return fmt.Sprintf("%v", fi.Mode()) // fs.FileMode prints as "-rw-r--r--"
}


func sumArray(data []byte) string {
	return fmt.Sprintf("%x", sha256.Sum256(data)) // an array: strconv and hex take no arrays
}
