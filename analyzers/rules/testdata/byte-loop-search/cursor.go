package byteloopsearch

import "bytes"

// A hand-written request-line parser (shape of many HTTP/RESP/NATS protocol parsers).
type lineParser struct {
	data []byte
	pos  int
	sep  byte
}

func (p *lineParser) method() []byte {
	start := p.pos
	for p.pos < len(p.data) && p.data[p.pos] != ' ' { // want "search for ' ': bytes.IndexByte"
		p.pos++
	}
	return p.data[start:p.pos]
}

func (p *lineParser) toSep() {
	for p.pos < len(p.data) && p.data[p.pos] != p.sep { // want "bytes.IndexByte"
		p.pos++
	}
}

type lexer struct {
	input string
	start int
	pos   int
}

func (l *lexer) skipToEOL() {
	for l.pos < len(l.input) && l.input[l.pos] != '\n' { // want "strings.IndexByte"
		l.pos++
	}
}

// Near-miss: already vectorised.
func (p *lineParser) methodFast() []byte {
	start := p.pos
	if i := bytes.IndexByte(p.data[p.pos:], ' '); i >= 0 {
		p.pos += i
	} else {
		p.pos = len(p.data)
	}
	return p.data[start:p.pos]
}

// Near-miss: skips a class of bytes (spaces and tabs), not one byte.
func (p *lineParser) skipBlanks() {
	for p.pos < len(p.data) && (p.data[p.pos] == ' ' || p.data[p.pos] == '\t') {
		p.pos++
	}
}

// Near-miss: skips while equal (a run), which IndexByte cannot express.
func (p *lineParser) skipSpaces() {
	for p.pos < len(p.data) && p.data[p.pos] == ' ' {
		p.pos++
	}
}

// Near-miss: the cursor also does other work per byte.
func (l *lexer) identLen() int {
	n := 0
	for l.pos < len(l.input) && l.input[l.pos] != ' ' {
		l.pos++
		n++
	}
	return n
}

// Near-miss: the test is on a different cursor than the one advanced.
func (l *lexer) mismatched() {
	for l.pos < len(l.input) && l.input[l.start] != ' ' {
		l.pos++
	}
}
