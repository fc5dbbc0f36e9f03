package byteloopsearch

const (
	modeKE  uint8 = 0
	modeDHE uint8 = 1
)

type clientHello struct {
	pskModes    []uint8
	compression []uint8
	payload     []byte
}

// A []uint8 list of protocol codes searched for a named code: a few entries, not a buffer.
func (h *clientHello) supportsDHE() bool {
	ok := false
	for _, m := range h.pskModes {
		if m == modeDHE {
			ok = true
			break
		}
	}
	return ok
}

func (h *clientHello) plainKE() bool {
	for i := range h.compression {
		if h.compression[i] == modeKE {
			return true
		}
	}
	return false
}

// A byte buffer searched for a character is still a byte search.
func (h *clientHello) firstNL() int {
	for i, c := range h.payload { // want "byte-at-a-time search for '.n'"
		if c == '\n' {
			return i
		}
	}
	return -1
}
