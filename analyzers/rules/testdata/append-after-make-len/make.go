package appendaftermakelen

import (
	"encoding/binary"
	"errors"
	"io"
)

type VirtualHost struct{ Domains []string }

type Config struct{ VirtualHosts []VirtualHost }

func convert(vh VirtualHost) (VirtualHost, error) {
	if len(vh.Domains) == 0 {
		return vh, errors.New("no domains")
	}
	return vh, nil
}

func usable(config Config) ([]VirtualHost, error) {
	vhs := make([]VirtualHost, len(config.VirtualHosts)) // want "make\(\[\]VirtualHost, len\(config.VirtualHosts\)\) then append.*make\(\[\]VirtualHost, 0, len\(config.VirtualHosts\)\)"
	for _, vh := range config.VirtualHosts {
		c, err := convert(vh)
		if err != nil {
			return nil, err
		}
		vhs = append(vhs, c)
	}
	return vhs, nil
}

func ids(n int) []int {
	out := make([]int, n) // want "the n zero values stay in front"
	for i := 0; i < n; i++ {
		out = append(out, i*i)
	}
	return out
}

// Near-miss: the made elements are written by index.
func squares(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i * i
	}
	out = append(out, -1)
	return out
}

// Near-miss: a length prefix reserved, the payload appended, the prefix filled in.
func frame(payload []byte) []byte {
	b := make([]byte, 4)
	b = append(b, payload...)
	binary.BigEndian.PutUint32(b[:4], uint32(len(payload)))
	return b
}

// Near-miss: filled by a read first.
func readAll(r io.Reader, n int, more []byte) ([]byte, error) {
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	buf = append(buf, more...)
	return buf, nil
}

// Near-miss: capacity only.
func prealloc(n int) []int {
	out := make([]int, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, i)
	}
	return out
}
