package writestringconversion

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

type Row struct {
	ID   int
	Name string
}

func renderRows(rows []Row) string {
	var sb strings.Builder
	for _, r := range rows {
		sb.WriteString(fmt.Sprintf("%d\t%s\n", r.ID, r.Name)) // want "use fmt.Fprintf\(&sb, ...\)"
	}
	return sb.String()
}

func writeHeader(w io.Writer, n int) error {
	_, err := io.WriteString(w, fmt.Sprintf("rows: %d\n", n)) // want "builds a string only to copy it"
	return err
}

func flushRows(bw *bufio.Writer, rows []Row) {
	for _, r := range rows {
		bw.WriteString(fmt.Sprintln(r.ID, r.Name)) // want "use fmt.Fprintln\(bw, ...\)"
	}
}

// Near misses: already formatting into the writer, plain strings, and unknown WriteString methods.

func renderRowsFast(rows []Row) string {
	var sb strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&sb, "%d\t%s\n", r.ID, r.Name)
	}
	return sb.String()
}

func writeName(bw *bufio.Writer, r Row) {
	bw.WriteString(r.Name)
	bw.WriteString(strings.ToUpper(r.Name))
}

type lineSink struct{ lines []string }

func (l *lineSink) WriteString(s string) { l.lines = append(l.lines, s) }

func collect(sink *lineSink, r Row) {
	sink.WriteString(fmt.Sprintf("%d", r.ID))
}

func writeArgs(w io.Writer, format string, args ...any) {
	io.WriteString(w, fmt.Sprintf(format, args...))
}
