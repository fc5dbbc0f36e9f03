package makeinloop

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"net"
	"os"
	"strconv"
)

func copyFiles(dst io.Writer, paths []string) error {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		buf := make([]byte, 32*1024) // want "make\(\[\]byte, 32\*1024\) allocates on every iteration"
		for {
			n, err := f.Read(buf)
			if n > 0 {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					f.Close()
					return werr
				}
			}
			if err != nil {
				break
			}
		}
		f.Close()
	}
	return nil
}

func readFrames(conn net.Conn, frames int) ([]string, error) {
	out := make([]string, 0, frames)
	for i := 0; i < frames; i++ {
		hdr := make([]byte, 4) // want "allocate hdr once before the loop"
		if _, err := io.ReadFull(conn, hdr); err != nil {
			return nil, err
		}
		size := binary.BigEndian.Uint32(hdr)
		body := make([]byte, size) // want "allocate body once before the loop"
		if _, err := io.ReadFull(conn, body); err != nil {
			return nil, err
		}
		out = append(out, string(body))
	}
	return out, nil
}

type event struct {
	ID   int
	Name string
}

func encodeAll(w io.Writer, events []event) error {
	for _, e := range events {
		var buf bytes.Buffer // want "buf is a new bytes.Buffer on every iteration"
		if err := json.NewEncoder(&buf).Encode(e); err != nil {
			return err
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

func render(rows [][]string) []string {
	lines := make([]string, 0, len(rows))
	for _, row := range rows {
		b := new(bytes.Buffer) // want "b is a new bytes.Buffer"
		for i, cell := range row {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(cell)
		}
		lines = append(lines, b.String())
	}
	return lines
}

func checksums(h hash.Hash, ids []uint64) [][]byte {
	sums := make([][]byte, 0, len(ids))
	for _, id := range ids {
		scratch := make([]byte, 0, 20) // want "allocate scratch once"
		scratch = strconv.AppendUint(scratch, id, 10)
		h.Reset()
		h.Write(scratch)
		sums = append(sums, h.Sum(nil))
	}
	return sums
}

func report(w io.Writer, counts map[string]int) {
	for k, v := range counts {
		line := &bytes.Buffer{} // want "line is a new bytes.Buffer"
		fmt.Fprintf(line, "%s=%d\n", k, v)
		line.WriteTo(w)
	}
}

// Near-miss: the buffer is hoisted and reused, the fix.
func copyFilesFixed(dst io.Writer, paths []string) error {
	buf := make([]byte, 32*1024)
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		_, err = io.CopyBuffer(dst, f, buf)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// Near-miss: each row is kept, so a new slice per iteration is required.
func splitRows(data []byte, width int) [][]byte {
	var rows [][]byte
	for len(data) >= width {
		row := make([]byte, width)
		copy(row, data[:width])
		rows = append(rows, row)
		data = data[width:]
	}
	return rows
}

// Near-miss: sent on a channel to another goroutine.
func produce(r io.Reader, out chan<- []byte) {
	for {
		chunk := make([]byte, 4096)
		n, err := r.Read(chunk)
		if n > 0 {
			out <- chunk[:n]
		}
		if err != nil {
			close(out)
			return
		}
	}
}

// Near-miss: handed to a function that may keep it.
func dispatch(r io.Reader, handle func([]byte)) error {
	for {
		msg := make([]byte, 512)
		n, err := r.Read(msg)
		if err != nil {
			return err
		}
		handle(msg[:n])
	}
}

// Near-miss: a small constant-size array-like slice used locally stays on the stack.
func keys(ids []uint64) []uint32 {
	out := make([]uint32, 0, len(ids))
	for _, id := range ids {
		b := make([]byte, 8)
		binary.LittleEndian.PutUint64(b, id)
		out = append(out, binary.LittleEndian.Uint32(b[:4]))
	}
	return out
}

// Near-miss: the buffer is stored in a map that outlives the loop.
func group(words []string) map[byte]*bytes.Buffer {
	m := make(map[byte]*bytes.Buffer)
	for _, w := range words {
		b := new(bytes.Buffer)
		b.WriteString(w)
		m[w[0]] = b
	}
	return m
}

// Near-miss: a per-iteration slice returned from a closure worker.
func digests(files [][]byte) [][32]byte {
	out := make([][32]byte, len(files))
	for i, f := range files {
		tmp := make([]byte, len(f))
		copy(tmp, f)
		go func() { out[i] = sha256.Sum256(tmp) }()
	}
	return out
}

// Near-miss: allocation outside any loop.
func one(r io.Reader) ([]byte, error) {
	buf := make([]byte, 1024)
	n, err := r.Read(buf)
	return buf[:n], err
}

// Near-miss: a tiny fixed loop.
func three(w io.Writer) {
	for i := 0; i < 3; i++ {
		var b bytes.Buffer
		b.WriteString("x")
		b.WriteTo(w)
	}
}
