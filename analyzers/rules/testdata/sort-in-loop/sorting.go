package sortinloop

import (
	"cmp"
	"slices"
	"sort"
	"time"
)

type Event struct {
	At   time.Time
	Name string
}

type byName []Event

func (b byName) Len() int           { return len(b) }
func (b byName) Less(i, j int) bool { return b[i].Name < b[j].Name }
func (b byName) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

func merge(events, incoming []Event) []Event {
	for _, ev := range incoming {
		events = append(events, ev)
		sort.Slice(events, func(i, j int) bool { return events[i].At.Before(events[j].At) }) // want "sort.Slice re-sorts events on every iteration"
	}
	return events
}

type board struct{ scores []int }

func (b *board) add(batch []int) int {
	best := 0
	for _, s := range batch {
		b.scores = append(b.scores, s)
		slices.Sort(b.scores) // want "slices.Sort re-sorts b.scores"
		best = b.scores[len(b.scores)-1]
	}
	return best
}

func names(stream <-chan string) []string {
	var all []string
	for n := range stream {
		all = append(all, n)
		sort.Strings(all) // want "sort.Strings re-sorts all"
	}
	return all
}

func schedule(queue []Event, deadline time.Time) []string {
	var done []string
	for len(queue) > 0 {
		sort.Sort(byName(queue)) // want "sort.Sort re-sorts queue"
		done = append(done, queue[0].Name)
		queue = queue[1:]
		if queue[0].At.After(deadline) {
			break
		}
	}
	return done
}

func ordered(pending []Event, more []Event) {
	for i := range more {
		pending = append(pending, more[i])
		slices.SortFunc(pending, func(a, b Event) int { return a.At.Compare(b.At) }) // want "slices.SortFunc re-sorts pending"
	}
}

// Near-miss: sort once after the loop, the fix.
func mergeFixed(events, incoming []Event) []Event {
	events = append(events, incoming...)
	sort.Slice(events, func(i, j int) bool { return events[i].At.Before(events[j].At) })
	return events
}

// Near-miss: each group's own items are sorted once.
func sortGroups(groups map[string][]int) {
	for k := range groups {
		slices.Sort(groups[k])
	}
}

type group struct{ items []string }

func sortEach(gs []group) {
	for _, g := range gs {
		sort.Strings(g.items)
	}
}

// Near-miss: a per-iteration local copy.
func medians(rows [][]float64) []float64 {
	out := make([]float64, 0, len(rows))
	for _, row := range rows {
		tmp := slices.Clone(row)
		slices.Sort(tmp)
		out = append(out, tmp[len(tmp)/2])
	}
	return out
}

// Near-miss: sorted once right before leaving the loop.
func collect(ch <-chan int) []int {
	var xs []int
	for {
		v, ok := <-ch
		if !ok {
			slices.SortFunc(xs, cmp.Compare[int])
			return xs
		}
		xs = append(xs, v)
	}
}

// Near-miss: a scratch slice refilled and sorted once per batch.
func batches(groups [][]Event) []string {
	var out []string
	var buf []Event
	for _, g := range groups {
		buf = buf[:0]
		buf = append(buf, g...)
		sort.Slice(buf, func(i, j int) bool { return buf[i].At.Before(buf[j].At) })
		out = append(out, buf[0].Name)
	}
	return out
}
