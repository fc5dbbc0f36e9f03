package benchinputs

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// Ordered values compare with others of their own kind only.
type Ordered interface {
	Cmp(o Ordered) int
}

// Span is a half-open range of offsets.
type Span struct{ From, To int }

// Cmp orders spans by their start, then their end; o must be a *Span.
func (s *Span) Cmp(o Ordered) int {
	t := o.(*Span)
	for _, d := range [2]int{s.From - t.From, s.To - t.To} {
		if d != 0 {
			return d
		}
	}
	return 0
}

// Word is a string that orders alphabetically.
type Word string

// Cmp orders words; o must be a Word.
func (w Word) Cmp(o Ordered) int {
	return strings.Compare(string(w), string(o.(Word)))
}

const (
	schemeRN  = "rn"
	kindQueue = "queue"
)

// Name is a resource name: rn:<region>:queue:<id>.
type Name struct{ Region, ID string }

// ParseName reads a resource name, checking each fixed part.
func ParseName(s string) (Name, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 4 || parts[0] != schemeRN {
		return Name{}, errors.New("not a resource name")
	}
	if parts[2] != string(kindQueue) {
		return Name{}, fmt.Errorf("unknown kind %q", parts[2])
	}
	id := ""
	for _, r := range parts[3] {
		id += string(r)
	}
	return Name{Region: parts[1], ID: id}, nil
}

// Recycler keeps slices for reuse by capacity.
type Recycler struct {
	caps  []int
	kept  [][]any
}

// Keep stores a slice of any element type; anything else is a programming error.
func (r *Recycler) Keep(s any) {
	v := reflect.ValueOf(s)
	if v.Kind() != reflect.Slice {
		panic(fmt.Sprintf("%T is not a slice", s))
	}
	for i, c := range r.caps {
		if v.Cap() <= c {
			r.kept[i] = append(r.kept[i], s)
			return
		}
	}
}

// Ref is "<bucket>/<key>" in text and in JSON.
type Ref struct{ Bucket, Key string }

// String writes the ref as text.
func (r Ref) String() string { return r.Bucket + "/" + r.Key }

// MarshalJSON writes the ref as a JSON string.
func (r Ref) MarshalJSON() ([]byte, error) { return []byte(`"` + r.String() + `"`), nil }

// UnmarshalJSON reads what MarshalJSON writes, and nothing else.
func (r *Ref) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	bucket, key, ok := strings.Cut(s, "/")
	if !ok || bucket == "" {
		return fmt.Errorf("bad ref %q", s)
	}
	for _, c := range key {
		if c == '"' {
			return errors.New("quote in key")
		}
	}
	r.Bucket, r.Key = bucket, key
	return nil
}
