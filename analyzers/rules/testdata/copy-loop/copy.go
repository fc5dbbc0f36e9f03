package copyloop

func clone(src []byte) []byte {
	dst := make([]byte, len(src))
	for i := range src { // want "element-by-element copy into dst: copy\(dst, src\)"
		dst[i] = src[i]
	}
	return dst
}

func fill(dst, src []int, n int) {
	for i := 0; i < n; i++ { // want "copy\(dst, src\)"
		dst[i] = src[i]
	}
}

func appendAt(buf []byte, off int, s string) {
	for i := 0; i < len(s); i++ { // want "copy\(buf\[off:\], s\)"
		buf[off+i] = s[i]
	}
}

type point struct{ x, y float64 }

func snapshot(pts []point) []point {
	out := make([]point, len(pts))
	for i, p := range pts { // want "copy\(out, pts\)"
		out[i] = p
	}
	return out
}

type ring struct {
	data []uint64
	tmp  []uint64
}

func (r *ring) save() {
	for i := range r.data { // want "copy into r.tmp"
		r.tmp[i] = r.data[i]
	}
}

func header(dst *[16]byte, src []byte) {
	for i := range 16 { // want "copy\(dst\[:\], src\)"
		dst[i] = src[i]
	}
}

// Near-miss: the built-in already.
func cloneFast(src []byte) []byte {
	dst := make([]byte, len(src))
	copy(dst, src)
	return dst
}

// Near-miss: converts each element.
func widen(src []int32) []int64 {
	dst := make([]int64, len(src))
	for i := range src {
		dst[i] = int64(src[i])
	}
	return dst
}

// Near-miss: transforms each element.
func double(dst, src []int) {
	for i := range src {
		dst[i] = src[i] * 2
	}
}

// Near-miss: strided copy.
func evens(dst, src []byte) {
	for i := range dst {
		dst[i] = src[2*i]
	}
}

// Near-miss: reversed copy.
func reverse(dst, src []byte) {
	n := len(src)
	for i := 0; i < n; i++ {
		dst[i] = src[n-1-i]
	}
}

// Near-miss: shifting within one slice; the loop order matters with overlap.
func shiftRight(b []byte) {
	for i := 1; i < len(b); i++ {
		b[i] = b[i-1]
	}
}

// Near-miss: interface destination; copy would not type-check.
func box(src []int) []any {
	dst := make([]any, len(src))
	for i := range src {
		dst[i] = src[i]
	}
	return dst
}

// Near-miss: map copy is not a memmove.
func toSlice(m map[int]string, dst []string) {
	for k, v := range m {
		dst[k] = v
	}
}

// Near-miss: a tiny fixed copy.
func quad(dst, src []float32) {
	for i := 0; i < 4; i++ {
		dst[i] = src[i]
	}
}

// Near-miss: copies a field out of each element.
func names(users []struct{ Name string }) []string {
	out := make([]string, len(users))
	for i := range users {
		out[i] = users[i].Name
	}
	return out
}

// Bytes is a named byte slice, as go-ethereum's hexutil.Bytes.
type Bytes []byte

// Near-miss: []Bytes into [][]byte assigns element by element, but copy needs identical element
// types (Bytes is not []byte): copy(req, hex) does not compile.
func plainRequests(hex []Bytes) [][]byte {
	req := make([][]byte, len(hex))
	for i := range hex {
		req[i] = hex[i]
	}
	return req
}

// Near-miss: the other way round, [][]byte into []Bytes.
func namedRequests(raw [][]byte) []Bytes {
	out := make([]Bytes, len(raw))
	for i := range raw {
		out[i] = raw[i]
	}
	return out
}

// ProofList is a named slice whose elements are []byte.
type ProofList [][]byte

// A named slice type with the same element type: copy(nodes, proof) compiles.
func proofNodes(proof [][]byte) ProofList {
	nodes := make(ProofList, len(proof))
	for i, node := range proof { // want "copy\(nodes, proof\)"
		nodes[i] = node
	}
	return nodes
}
