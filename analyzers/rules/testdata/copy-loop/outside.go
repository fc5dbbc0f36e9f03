package copyloop

import "crypto/sha256"

// The ranged collection's type comes from the standard library's signatures.
func digestInto(dst []byte, data []byte) {
	h := sha256.New()
	h.Write(data)
	for i, b := range h.Sum(nil) { // want "copy\(dst, h.Sum\(nil\)\)"
		dst[i] = b
	}
}

// Near miss: the element types differ (byte into int), a conversion per element.
func widenDigest(dst []int, data []byte) {
	h := sha256.New()
	h.Write(data)
	for i, b := range h.Sum(nil) {
		dst[i] = int(b)
	}
}
