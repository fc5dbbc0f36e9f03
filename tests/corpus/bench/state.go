package benchinputs

// buffer grows by doubling; at is the next free position.
type buffer struct {
	data []byte
	at   int
}

func newBuffer() *buffer { return &buffer{data: make([]byte, 64)} }

func (b *buffer) put(c byte) {
	if b.at+1 >= len(b.data) {
		grown := make([]byte, 2*len(b.data))
		copy(grown, b.data)
		b.data = grown
	}
	b.data[b.at] = c
	b.at++
}

// Written returns what was put so far.
func (b *buffer) Written() []byte { return b.data[:b.at] }

// Upper puts the upper-case form of each byte of s.
func (b *buffer) Upper(s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b.put(c)
	}
}

// item is a node of a sorted, doubly linked list whose ends are the list's sentinel.
type item struct {
	key        int
	prev, next *item
}

// before walks back from it to the first item with a smaller key (the sentinel ends the walk).
func (it *item) before(key int, end *item) *item {
	for it.prev != end && it.prev.key >= key {
		it = it.prev
	}
	return it.prev
}

// Buckets counts values into bins; the last bin's bound must hold the largest value.
type Buckets struct {
	Bounds []float64
	Values []float64
}

// Counts walks values and bounds together; it ends only when the largest bound holds every value.
func (h *Buckets) Counts() []int {
	counts := make([]int, len(h.Bounds))
	b := 0
	for i := 0; i < len(h.Values); {
		if h.Values[i] <= h.Bounds[b] {
			counts[b]++
			i++
		} else if b < len(h.Bounds)-1 {
			b++
		}
	}
	return counts
}

// Slots hands out a fixed number of tokens.
type Slots struct {
	free chan struct{}
	used int
}

// Use takes a token, counts, and gives the token back.
func (s *Slots) Use(times int) int {
	for i := 0; i < times; i++ {
		<-s.free
		s.used++
		s.free <- struct{}{}
	}
	return s.used
}
