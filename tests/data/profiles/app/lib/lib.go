// Package lib formats item labels for cmd/app. Nothing here calls Label in a loop: by its shape alone
// Label looks cold; the CPU profile in cmd/app/default.pgo shows it takes almost all of the program's time.
package lib

import (
	"fmt"
	"strings"
)

// Label formats one item's label. cmd/app calls it once per item.
func Label(id int, name string) string {
	return fmt.Sprintf("%d", id) + "-" + pad(name)
}

// pad is small enough for the compiler to inline into Label: its samples appear as inlined frames.
func pad(name string) string {
	if len(name) >= 8 {
		return name
	}
	return name + strings.Repeat(" ", 8-len(name))
}

// Describe is never called by cmd/app: the profile covers this package and has no sample for it.
func Describe(id int) string {
	return fmt.Sprintf("%d", id)
}

// Vowels counts vowels in names through a closure (profiled as lib.Vowels.func1).
func Vowels(names []string) int {
	return sumBy(names, func(s string) int {
		n := 0
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case 'a', 'e', 'i', 'o', 'u':
				n++
			}
		}
		return n
	})
}

//go:noinline
func sumBy(xs []string, f func(string) int) int {
	total := 0
	for _, x := range xs {
		total += f(x)
	}
	return total
}

// Registry keeps labels by id; Register has a pointer receiver, Size a value receiver.
type Registry struct {
	labels map[int]string
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{labels: make(map[int]string)}
}

// Register stores a label.
//
//go:noinline
func (r *Registry) Register(id int, label string) {
	r.labels[id] = label
}

// Size is the number of labels.
//
//go:noinline
func (r Registry) Size() int {
	return len(r.labels)
}
