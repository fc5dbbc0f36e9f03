package byteloopcompare

import (
	"bytes"
	"crypto/subtle"
)

func equalBytes(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a { // want "byte-by-byte comparison of a and b: bytes.Equal"
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func hasPrefix(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ { // want "comparison of s and prefix: == \(or strings.HasPrefix\)"
		if s[i] != prefix[i] {
			return false
		}
	}
	return true
}

func sameValue(x []byte, y []byte) bool {
	same := true
	for i, c := range x { // want "comparison of x and y"
		if c != y[i] {
			same = false
			break
		}
	}
	return same
}

type key [32]byte

func (k key) less(o key) bool {
	for i := range k { // want "bytes.Compare\(k\[:\], o\[:\]\)"
		if k[i] != o[i] {
			return k[i] < o[i]
		}
	}
	return false
}

func compareBytes(a, b []byte) int {
	for i := 0; i < len(a) && i < len(b); i++ { // want "comparison of a and b: bytes.Compare"
		if a[i] < b[i] {
			return -1
		}
		if a[i] > b[i] {
			return 1
		}
	}
	return len(a) - len(b)
}

// Near-miss: constant-time accumulation must stay a loop.
func equalConstantTime(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	var v byte
	for i := range a {
		v |= a[i] ^ b[i]
	}
	return v == 0
}

// Near-miss: a token check in a function named for it (timing must not leak).
func checkToken(got, want []byte) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// Near-miss: the proper constant-time call.
func validMAC(mac, expected []byte) bool {
	return subtle.ConstantTimeCompare(mac, expected) == 1
}

// Near-miss: already vectorised.
func equalFast(a, b []byte) bool {
	return bytes.Equal(a, b)
}

// Near-miss: ints, not bytes (no vectorised kernel for slices.Equal).
func equalInts(a, b []int) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Near-miss: case-insensitive comparison transforms each byte.
func equalFold(a, b string) bool {
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// Near-miss: finds the first differing index, which no single call returns.
func firstDiff(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return len(a)
}

// Near-miss: palindrome check compares a slice with itself mirrored.
func palindrome(s []byte) bool {
	for i := 0; i < len(s)/2; i++ {
		if s[i] != s[len(s)-1-i] {
			return false
		}
	}
	return true
}

// The ordering form with the sign picked inside the mismatch branch.
func compareKeys(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ { // want "byte-by-byte comparison of a and b: bytes.Compare"
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

// Near-miss: the sign does not follow the order of the bytes.
func firstDiffKind(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			if a[i] == 0 {
				return -1
			}
			return 1
		}
	}
	return 0
}
