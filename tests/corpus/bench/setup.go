package benchinputs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
)

// Schedule is a list of steps parsed from "count*name" terms joined by "->" (a failpoint's syntax).
type Schedule struct {
	name  string
	steps []*step
}

type step struct {
	count int64
	name  string
}

// NewSchedule parses terms with the package's own parser: a generated string is rejected, the
// tests' valid rows are not.
func NewSchedule(name, terms string) (*Schedule, error) {
	s := &Schedule{name: name, steps: make([]*step, 0, strings.Count(terms, "->")+1)}
	for _, term := range strings.Split(terms, "->") {
		star := strings.IndexByte(term, '*')
		if star <= 0 {
			return nil, fmt.Errorf("term %q: want count*name", term)
		}
		count, err := strconv.ParseInt(term[:star], 10, 64)
		if err != nil {
			return nil, err
		}
		s.steps = append(s.steps, &step{count: count, name: term[star+1:]})
	}
	return s, nil
}

// Render writes the schedule back in its own syntax.
func (s *Schedule) Render() string {
	out := ""
	for i, st := range s.steps {
		if i > 0 {
			out += "->"
		}
		out += strconv.FormatInt(st.count, 10) + "*" + st.name
	}
	return out
}

// Rule rewrites "from" into "to"; it is written "from=>to", which no generated string is.
type Rule struct {
	from, to string
}

// NewRule finds the arrow byte by byte: no guard the generator reads says what the spec must hold.
func NewRule(spec string) (*Rule, error) {
	for i := 0; i+1 < len(spec); i++ {
		if spec[i] == '=' && spec[i+1] == '>' {
			return &Rule{from: spec[:i], to: spec[i+2:]}, nil
		}
	}
	return nil, errors.New("rule: no => in spec")
}

// Apply rewrites every line.
func (r *Rule) Apply(lines []string) string {
	out := ""
	for _, l := range lines {
		out += strings.ReplaceAll(l, r.from, r.to) + "\n"
	}
	return out
}

// exca is a parser's table of (state, token) pairs, ended by -1: its length is fixed.
var exca = [...]int16{-1, 1, 5, 0, -2, 0, -1, 2, 6, 0, -2, 0}

var toknames = [...]string{"$end", "error", "IDENT", "NUMBER", "STRING", "COMMA", "LPAREN"}

// ErrorMessage says what a parser in state expected, after the pairs it passed over in its table to
// find the state (one the table holds, as the parser's own are): `state` is looked up, it sizes nothing.
func ErrorMessage(state, lookAhead int) string {
	res := "syntax error: unexpected " + toknames[lookAhead%len(toknames)] + " after"
	i := 0
	for exca[i] != -1 || int(exca[i+1]) != state {
		res += " " + strconv.Itoa(int(exca[i]))
		i += 2
	}
	return res + ", expecting " + toknames[exca[i+2]]
}

// tokens holds its input and the span [ts, te) of the token just read.
type tokens struct {
	data   []byte
	ts, te int
	names  []string
}

func (t *tokens) token() string {
	return string(t.data[t.ts:t.te])
}

// identifier strips the token's quotes: it needs a token of two bytes at least.
func (t *tokens) identifier() string {
	tok := t.token()
	name := tok[1 : len(tok)-1]
	t.names = append(t.names, name)
	return fmt.Sprintf("%s", name)
}

// link is a connection with a read buffer: what it does needs the peer at the other end.
type link struct {
	net.Conn
	buf *bytes.Buffer
}

// handshake writes a ping and waits for the peer's answer.
func (l *link) handshake() error {
	if err := binary.Write(l.Conn, binary.BigEndian, []byte("ping")); err != nil {
		return err
	}
	var pong [4]byte
	if err := binary.Read(l.Conn, binary.BigEndian, &pong); err != nil {
		return err
	}
	for _, c := range pong {
		l.buf.WriteString(fmt.Sprintf("%d", c))
	}
	return nil
}

// scanner reads bytes and can undo the last read.
type scanner struct {
	buf []byte
	pos int
}

func (s *scanner) next() byte {
	if s.pos >= len(s.buf) {
		return 0
	}
	s.pos++
	return s.buf[s.pos-1]
}

// cur is the byte the last next returned.
func (s *scanner) cur() byte {
	if s.pos == 0 || s.pos > len(s.buf) {
		return 0
	}
	return s.buf[s.pos-1]
}

func (s *scanner) back() {
	if s.pos <= 0 {
		panic("back buffer exhausted")
	}
	s.pos--
}

// Decoder reads numbers; number is called with the first digit just read (its current byte), and
// leaves the byte after the number unread.
type Decoder struct {
	*scanner
	digits []byte
}

// NewDecoder reads data from its start.
func NewDecoder(data []byte) *Decoder {
	return &Decoder{scanner: &scanner{buf: data}}
}

func (d *Decoder) number() int {
	d.digits = d.digits[:0]
	n := 0
	for c := d.cur(); c >= '0' && c <= '9'; c = d.next() {
		n = 10*n + int(c-'0')
		d.digits = append(d.digits, c)
	}
	d.back()
	return n
}

// grid lays out rows of cells in columns.
type grid struct {
	sep string
}

// row pads each cell to its column's width (the caller computes the widths from every row's cells).
func (g *grid) row(cells []string, widths []int) string {
	line := g.sep
	for i, cell := range cells {
		line += " " + cell + strings.Repeat(" ", widths[i]-2-len(cell)) + " " + g.sep
	}
	return line
}

// Pattern is a compiled expression; Compile panics on an invalid one, as regexp.MustCompile does.
type Pattern struct {
	rx *regexp.Regexp
}

// Compile compiles expr at once.
func Compile(expr string) *Pattern {
	return &Pattern{rx: regexp.MustCompile(expr)}
}

// Matching joins the lines that match.
func (p *Pattern) Matching(lines []string) string {
	out := ""
	for _, l := range lines {
		if p.rx.MatchString(l) {
			out += l + "\n"
		}
	}
	return out
}

// Mask is built from a pattern of 0s and 1s: MustMask panics on any other byte, and no guard the
// generator reads says so. The benchmark of Apply builds its receiver with MustMask: the set-up panics,
// before anything is timed, and the benchmark skips saying so instead of failing.
type Mask struct {
	bits []bool
}

// MustMask reads the pattern.
func MustMask(pattern string) *Mask {
	m := &Mask{}
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '0':
			m.bits = append(m.bits, false)
		case '1':
			m.bits = append(m.bits, true)
		default:
			panic("mask: bad byte " + string(pattern[i]))
		}
	}
	return m
}

// Apply upper-cases the lines the mask selects.
func (m *Mask) Apply(lines []string) string {
	out := ""
	for i, l := range lines {
		if m.bits[i%len(m.bits)] {
			out += strings.ToUpper(l) + "\n"
		}
	}
	return out
}
