package benchinputs

import (
	"io"
	"strconv"
)

// pipe is the in-memory end of a connection.
type pipe struct {
	buf []byte
}

func (p *pipe) Read(b []byte) (int, error) { return copy(b, p.buf), nil }

// Conn reads from a pipe, behind an io.Reader; label is set by whoever names it.
type Conn struct {
	Reader io.Reader
	label  any
}

// Pending renders the bytes still in the pipe, after the connection's label.
func (c *Conn) Pending() string {
	p := c.Reader.(*pipe)
	out := c.label.(string)
	for _, b := range p.buf {
		out += strconv.Itoa(int(b))
	}
	return out
}
