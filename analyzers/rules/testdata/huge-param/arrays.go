package hugeparam

type Vertex struct{ X, Y float64 }

func checksumTable(table [256]uint32, data []byte) uint32 { // want "table \[256\]uint32 is passed by value, copying 1024 bytes"
	crc := ^uint32(0)
	for _, b := range data {
		crc = table[byte(crc)^b] ^ (crc >> 8)
	}
	return ^crc
}

func centroid(pts [32]Vertex) Vertex { // want "copying 512 bytes per call; pass \*\[32\]Vertex"
	var c Vertex
	for _, p := range pts {
		c.X += p.X
		c.Y += p.Y
	}
	return c
}

// Near misses: small arrays (digests, keys), pointers, slices, and arrays the function modifies.

func sameDigest(a, b [32]byte) bool {
	return a == b
}

func checksumTablePtr(table *[256]uint32, data []byte) uint32 {
	crc := ^uint32(0)
	for _, b := range data {
		crc = table[byte(crc)^b] ^ (crc >> 8)
	}
	return ^crc
}

func sortedCopy(pts [32]Vertex) [32]Vertex {
	for i := 1; i < len(pts); i++ {
		for j := i; j > 0 && pts[j].X < pts[j-1].X; j-- {
			pts[j], pts[j-1] = pts[j-1], pts[j]
		}
	}
	return pts
}

func total(xs []Vertex) float64 {
	s := 0.0
	for _, p := range xs {
		s += p.X
	}
	return s
}
