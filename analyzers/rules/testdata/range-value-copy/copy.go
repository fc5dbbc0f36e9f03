package rangevaluecopy

import "time"

// Record is 8+16+16+8+24+24+[16]int64=224 bytes.
type Record struct {
	ID       int64
	Name     string
	Email    string
	Amount   float64
	Created  time.Time
	Updated  time.Time
	Counters [16]int64
}

// Point is small.
type Point struct{ X, Y float64 }

// Frame is 4 KiB.
type Frame struct {
	Seq     uint64
	Payload [4096]byte
}

type Ledger struct {
	records []Record
	byID    map[int64]Record
}

func total(records []Record) float64 {
	var sum float64
	for _, r := range records { // want "range copies 224 bytes of Record into r per iteration"
		sum += r.Amount
	}
	return sum
}

func (l *Ledger) find(email string) int64 {
	for _, rec := range l.records { // want "range copies 224 bytes"
		if rec.Email == email {
			return rec.ID
		}
	}
	return -1
}

func seqs(frames [8]Frame) []uint64 {
	out := make([]uint64, 0, len(frames))
	for i, f := range frames { // want "copies 4104 bytes of Frame"
		out = append(out, f.Seq+uint64(i))
	}
	return out
}

func (r Record) Active() bool { return r.Updated.After(r.Created) }

func active(records []Record) int {
	n := 0
	for _, r := range records { // want "range copies 224 bytes of Record"
		if r.Active() && r.Counters[0] > 0 {
			n++
		}
	}
	return n
}

// Near-miss: by index, the fix.
func totalFixed(records []Record) float64 {
	var sum float64
	for i := range records {
		sum += records[i].Amount
	}
	return sum
}

// Near-miss: small elements.
func centroid(ps []Point) Point {
	var c Point
	for _, p := range ps {
		c.X += p.X
		c.Y += p.Y
	}
	return c
}

// Near-miss: pointers.
func names(rs []*Record) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

// Near-miss: map values cannot be addressed.
func (l *Ledger) sum() float64 {
	var s float64
	for _, r := range l.byID {
		s += r.Amount
	}
	return s
}

// Near-miss: the copy is needed (stored as a whole).
func recent(records []Record, since time.Time) []Record {
	var out []Record
	for _, r := range records {
		if r.Created.After(since) {
			out = append(out, r)
		}
	}
	return out
}

// Near-miss: the copy is modified on purpose.
func normalized(records []Record) []string {
	out := make([]string, 0, len(records))
	for _, r := range records {
		r.Name = r.Name + "!"
		out = append(out, r.Name)
	}
	return out
}

// Near-miss: key only.
func count(records []Record) int {
	n := 0
	for i := range records {
		n += i
	}
	return n
}
