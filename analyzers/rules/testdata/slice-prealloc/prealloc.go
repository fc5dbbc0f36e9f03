package sliceprealloc

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

type User struct {
	ID   int
	Name string
}

type Team struct {
	Members []User
	Events  chan string
}

func names(users []User) []string {
	var out []string
	for _, u := range users {
		out = append(out, u.Name) // want "preallocate: out := make\(\[\]string, 0, len\(users\)\)"
	}
	return out
}

func ids(users []User) []int {
	res := []int{}
	for i := 0; i < len(users); i++ {
		res = append(res, users[i].ID) // want "make\(\[\]int, 0, len\(users\)\)"
	}
	return res
}

func keys(m map[string]int) []string {
	ks := make([]string, 0)
	for k := range m {
		ks = append(ks, k) // want "make\(\[\]string, 0, len\(m\)\)"
	}
	return ks
}

func parseAll(fields []string) ([]int, error) {
	var nums []int
	for _, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, err
		}
		nums = append(nums, n) // want "regrows nums"
	}
	return nums, nil
}

func squares(n int) []int {
	var sq []int
	for i := range n {
		sq = append(sq, i*i) // want "make\(\[\]int, 0, n\)"
	}
	return sq
}

func (t *Team) memberNames() (names []string) {
	for _, m := range t.Members {
		names = append(names, m.Name) // want "names = make\(\[\]string, 0, len\(t.Members\)\)"
	}
	return
}

func trimmed(s string) []string {
	var parts []string
	for _, p := range strings.Split(s, ",") {
		parts = append(parts, strings.TrimSpace(p)) // want "regrows parts"
	}
	return parts
}

func matrixRows(grid [][]int) [][]string {
	var rows [][]string
	for _, line := range grid {
		var row []string
		for _, v := range line {
			row = append(row, strconv.Itoa(v)) // want "make\(\[\]string, 0, len\(line\)\)"
		}
		rows = append(rows, row) // want "make\(\[\]\[\]string, 0, len\(grid\)\)"
	}
	return rows
}

// Near-miss: already preallocated with a capacity.
func namesPrealloc(users []User) []string {
	out := make([]string, 0, len(users))
	for _, u := range users {
		out = append(out, u.Name)
	}
	return out
}

// Near-miss: preallocated by length and assigned by index.
func namesIndexed(users []User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Name
	}
	return out
}

// Near-miss: a filter keeps an unknown share of the elements.
func active(users []User) []User {
	var out []User
	for _, u := range users {
		if u.ID == 0 {
			continue
		}
		out = append(out, u)
	}
	return out
}

// Near-miss: the append sits under a condition.
func named(users []User) []string {
	var out []string
	for _, u := range users {
		if u.Name != "" {
			out = append(out, u.Name)
		}
	}
	return out
}

// Near-miss: the loop stops early.
func firstN(users []User, n int) []User {
	var out []User
	for _, u := range users {
		out = append(out, u)
		if len(out) == n {
			break
		}
	}
	return out
}

// Near-miss: a channel has no length known up front.
func drain(t *Team) []string {
	var got []string
	for ev := range t.Events {
		got = append(got, ev)
	}
	return got
}

// Near-miss: reading lines until EOF.
func lines(r io.Reader) []string {
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// Near-miss: spreading slices of unknown size into one.
func flatten(groups [][]User) []User {
	var all []User
	for _, g := range groups {
		all = append(all, g...)
	}
	return all
}

// Near-miss: the slice is declared outside two loops; the total is a sum.
func cells(grid [][]int) []int {
	var flat []int
	for _, row := range grid {
		for _, v := range row {
			flat = append(flat, v)
		}
	}
	return flat
}

// Near-miss: two appends per iteration.
func pairs(users []User) []string {
	var out []string
	for _, u := range users {
		out = append(out, u.Name)
		out = append(out, strconv.Itoa(u.ID))
	}
	return out
}

// Near-miss: the slice is declared inside the loop and used per iteration.
func perUser(users []User) int {
	total := 0
	for _, u := range users {
		var tags []string
		tags = append(tags, u.Name)
		total += len(tags)
	}
	return total
}

// Near-miss: appending to a parameter (the caller owns the buffer).
func appendIDs(dst []int, users []User) []int {
	for _, u := range users {
		dst = append(dst, u.ID)
	}
	return dst
}

// Near-miss: a tiny constant loop.
func header() []string {
	var cols []string
	for i := 0; i < 4; i++ {
		cols = append(cols, "c"+strconv.Itoa(i))
	}
	return cols
}

// Near-miss: a condition loop with no known bound.
func backoff(limit int) []int {
	var waits []int
	w := 1
	for w < limit {
		waits = append(waits, w)
		w *= 2
	}
	return waits
}

// Near-miss: capacity given on a conditional path before the loop.
func maybeSized(users []User, sized bool) []string {
	var out []string
	if sized {
		out = make([]string, 0, len(users))
	}
	for _, u := range users {
		out = append(out, u.Name)
	}
	return out
}

// Near-miss: a named result sized before the loop.
func sizedResult(users []User) (out []int) {
	if len(users) > 0 {
		out = make([]int, 0, len(users))
	}
	for _, u := range users {
		out = append(out, u.ID)
	}
	return out
}

// Near-miss: two loops fill the same slice; the capacity is a sum.
func both(a, b []User) []string {
	var out []string
	for _, u := range a {
		out = append(out, u.Name)
	}
	for _, u := range b {
		out = append(out, u.Name)
	}
	return out
}

type lister interface {
	List() ([]User, error)
}

func listNames(l lister) ([]string, error) {
	users, err := l.List()
	if err != nil {
		return nil, err
	}
	var out []string
	for i := range users {
		out = append(out, users[i].Name) // want "make\(\[\]string, 0, len\(users\)\)"
	}
	return out, nil
}

type source interface {
	Events() <-chan string
}

// Near-miss: a channel of unknown type ranged with one variable.
func events(s source) []string {
	ch := s.Events()
	var got []string
	for ev := range ch {
		got = append(got, ev)
	}
	return got
}

type Roster []User

type Jobs chan User

func rosterIDs(r Roster) []int {
	var ids []int
	for _, u := range r {
		ids = append(ids, u.ID) // want "make\(\[\]int, 0, len\(r\)\)"
	}
	return ids
}

// Near-miss: a named channel type.
func jobIDs(j Jobs) []int {
	var ids []int
	for u := range j {
		ids = append(ids, u.ID)
	}
	return ids
}
