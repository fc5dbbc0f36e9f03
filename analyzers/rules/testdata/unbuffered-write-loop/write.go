package unbufferedwriteloop

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
)

type record struct {
	Name  string
	Count int
}

func exportCSV(path string, records []record) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, r := range records {
		fmt.Fprintf(f, "%s,%d\n", r.Name, r.Count) // want "fmt.Fprintf in a loop is one write syscall .* unbuffered file"
	}
	return nil
}

func appendLines(path string, lines []string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	for i := 0; i < len(lines); i++ {
		if _, err := f.WriteString(lines[i] + "\n"); err != nil { // want "f.WriteString in a loop"
			return err
		}
	}
	return nil
}

func sendAll(conn net.Conn, msgs [][]byte) error {
	for _, m := range msgs {
		if _, err := conn.Write(m); err != nil { // want "unbuffered connection"
			return err
		}
	}
	return nil
}

func printReport(rows []record) {
	for _, r := range rows {
		fmt.Println(r.Name, r.Count) // want "fmt.Println in a loop .* wrap os.Stdout in a bufio.Writer"
	}
}

func dumpTo(out *os.File, names map[string]int) {
	for name, n := range names {
		io.WriteString(out, name+"="+fmt.Sprint(n)+"\n") // want "io.WriteString in a loop"
	}
}

type exporter struct {
	file *os.File
}

func (e *exporter) flushAll(items []string) {
	for _, it := range items {
		e.file.Write([]byte(it)) // want "e.file.Write in a loop"
	}
}

func stdoutDirect(items []string) {
	for _, it := range items {
		os.Stdout.WriteString(it) // want "os.Stdout.WriteString in a loop"
	}
}

// Near-miss: buffered, flushed once.
func exportCSVBuffered(path string, records []record) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	for _, r := range records {
		fmt.Fprintf(w, "%s,%d\n", r.Name, r.Count)
	}
	return w.Flush()
}

// Near-miss: an io.Writer parameter may already be buffered by the caller.
func writeAll(w io.Writer, lines []string) {
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}

// Near-miss: net/http buffers the ResponseWriter.
func listHandler(w http.ResponseWriter, r *http.Request) {
	for _, k := range r.URL.Query()["k"] {
		fmt.Fprintf(w, "%s\n", k)
	}
}

// Near-miss: in-memory builders.
func render(items []string) string {
	var b strings.Builder
	var buf bytes.Buffer
	for _, it := range items {
		b.WriteString(it)
		buf.WriteString(it)
	}
	return b.String() + buf.String()
}

// Near-miss: diagnostics go to stderr unbuffered on purpose.
func warnAll(errs []error) {
	for _, err := range errs {
		fmt.Fprintln(os.Stderr, "warning:", err)
	}
}

// Near-miss: streaming messages from a channel must go out as they arrive.
func relay(conn net.Conn, in <-chan []byte) {
	for m := range in {
		conn.Write(m)
	}
}

// Near-miss: a read/write copy loop with a large buffer.
func pump(dst *os.File, src io.Reader) error {
	buf := make([]byte, 32*1024)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			dst.Write(buf[:n])
		}
		if err != nil {
			return err
		}
	}
}

// Near-miss: one write after the loop.
func joinAndWrite(f *os.File, parts []string) {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p)
	}
	f.WriteString(b.String())
}

var debug = false

// Near-miss: debug tracing behind a flag.
func solve(steps []string) {
	for i, s := range steps {
		if debug {
			fmt.Printf("step %d: %s\n", i, s)
		}
	}
}

// Near-miss: a debug dump helper printing to stdout.
func dumpState(state map[string]int) {
	for k, v := range state {
		fmt.Printf("%s=%d\n", k, v)
	}
}

type solver struct {
	verbose bool
	vals    []int
}

// Near-miss: the whole listing is behind a verbosity flag.
func (s *solver) report() {
	if s.verbose {
		for i, v := range s.vals {
			fmt.Printf("v%d = %d\n", i, v)
		}
	}
}

// Near-miss: an error message printed once on the way out of the loop.
func parseAll(args []string) bool {
	for _, a := range args {
		if a == "" {
			fmt.Println("empty argument")
			return false
		}
	}
	return true
}

// A connection reached through an embedded field: net.Conn's Write is promoted.
type secureConn struct {
	net.Conn
	frames [][]byte
}

func (c *secureConn) flushFrames() error {
	for _, f := range c.frames {
		if _, err := c.Conn.Write(f); err != nil { // want "c.Conn.Write in a loop is one write syscall"
			return err
		}
	}
	return nil
}

// Near miss: one write per chunk of the input, each chunk already a batch.
func (c *secureConn) writeChunked(b []byte, chunk int) error {
	for off := 0; off < len(b); off += chunk {
		end := min(off+chunk, len(b))
		if _, err := c.Conn.Write(b[off:end]); err != nil {
			return err
		}
	}
	return nil
}
