package syncpoolnonpointer

import (
	"bytes"
	"io"
	"sync"
)

var bufPool = sync.Pool{New: func() any { return make([]byte, 0, 4096) }}

func writeFramed(w io.Writer, payload []byte) error {
	buf := bufPool.Get().([]byte)
	buf = append(buf[:0], byte(len(payload)))
	buf = append(buf, payload...)
	_, err := w.Write(buf)
	bufPool.Put(buf) // want "bufPool.Put\(buf\) boxes a slice into an interface"
	return err
}

func scratch(w io.Writer, data []byte) {
	b := bufPool.Get().([]byte)
	b = append(b[:0], data...)
	w.Write(b)
	bufPool.Put(b[:0]) // want "boxes a slice"
}

type block struct {
	data [512]byte
	n    int
}

type codec struct {
	blocks *sync.Pool
	keys   sync.Pool
}

func (c *codec) encode(w io.Writer, src []byte) {
	blk := c.blocks.Get().(block)
	blk.n = copy(blk.data[:], src)
	w.Write(blk.data[:blk.n])
	c.blocks.Put(blk) // want "boxes a struct value"
}

func (c *codec) key(id string) {
	k := c.keys.Get().(string)
	if k != id {
		k = id
	}
	c.keys.Put(k) // want "boxes a string"
}

func release(p *sync.Pool, ids []int) {
	p.Put(ids) // want "p.Put\(ids\) boxes a slice"
}

// Near-miss: a pointer to the slice, the fix.
var ptrPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func writeFramedFixed(w io.Writer, payload []byte) error {
	bp := ptrPool.Get().(*[]byte)
	buf := append((*bp)[:0], payload...)
	_, err := w.Write(buf)
	*bp = buf
	ptrPool.Put(bp)
	return err
}

// Near-miss: *bytes.Buffer is already a pointer.
var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func render(w io.Writer, s string) {
	b := bufferPool.Get().(*bytes.Buffer)
	b.Reset()
	b.WriteString(s)
	w.Write(b.Bytes())
	bufferPool.Put(b)
}

// Near-miss: &buf.
func viaAddress(w io.Writer) {
	buf := bufPool.Get().([]byte)
	w.Write(buf)
	ptrPool.Put(&buf)
}

// Near-miss: a cache's Put is not a sync.Pool.
type cache struct{ m map[string][]byte }

func (c *cache) Put(k string, v []byte) { c.m[k] = v }

type ring struct{ items [][]byte }

func (r *ring) Put(v []byte) { r.items = append(r.items, v) }

func store(c *cache, r *ring, k string, v []byte) {
	c.Put(k, v)
	r.Put(v)
}

// Near-miss: a map is pointer-shaped.
var mapPool = sync.Pool{New: func() any { return make(map[string]int) }}

func countWords(words []string) int {
	m := mapPool.Get().(map[string]int)
	for _, w := range words {
		m[w]++
	}
	n := len(m)
	clear(m)
	mapPool.Put(m)
	return n
}
