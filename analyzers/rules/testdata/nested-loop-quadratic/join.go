package nestedloopquadratic

import "math"

type Customer struct {
	ID   int
	Name string
}

type Item struct {
	SKU string
	Qty int
}

type Order struct {
	ID         int
	CustomerID int
	Customer   string
	Items      []Item
}

type Point struct{ X, Y float64 }

func attachNames(orders []Order, customers []Customer) {
	for i := range orders {
		for _, c := range customers { // want "nested loop matches customers against orders by equality"
			if orders[i].CustomerID == c.ID {
				orders[i].Customer = c.Name
			}
		}
	}
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b { // want "O\(n·m\) comparisons"
			if x == y {
				out = append(out, x)
			}
		}
	}
	return out
}

func countPerCustomer(customers []Customer, orders []Order) map[string]int {
	counts := make(map[string]int, len(customers))
	for _, c := range customers {
		for j := 0; j < len(orders); j++ { // want "nested loop matches orders against customers"
			if orders[j].CustomerID == c.ID && orders[j].ID > 0 {
				counts[c.Name]++
			}
		}
	}
	return counts
}

func duplicates(ids []int) int {
	dups := 0
	for i := range ids {
		for _, other := range ids[i+1:] { // want "nested loop matches ids against ids"
			if ids[i] == other {
				dups++
			}
		}
	}
	return dups
}

// Near-miss: the fix, a map built once.
func attachNamesFixed(orders []Order, customers []Customer) {
	byID := make(map[int]string, len(customers))
	for _, c := range customers {
		byID[c.ID] = c.Name
	}
	for i := range orders {
		orders[i].Customer = byID[orders[i].CustomerID]
	}
}

// Near-miss: the inner loop walks the outer element's own children: linear overall.
func totalQty(orders []Order) int {
	n := 0
	for _, o := range orders {
		for _, it := range o.Items {
			if it.SKU == "" {
				continue
			}
			n += it.Qty
		}
	}
	return n
}

// Near-miss: all pairs are inherent (distance matrix), no equality matching.
func distances(ps []Point) [][]float64 {
	out := make([][]float64, len(ps))
	for i := range ps {
		out[i] = make([]float64, len(ps))
		for j := range ps {
			if i == j {
				continue
			}
			out[i][j] = math.Hypot(ps[i].X-ps[j].X, ps[i].Y-ps[j].Y)
		}
	}
	return out
}

// Near-miss: a tiny constant inner set.
var weekend = []string{"sat", "sun"}

func weekdays(days []string) int {
	n := 0
	for _, d := range days {
		for _, w := range weekend {
			if d == w {
				n++
			}
		}
	}
	return n
}

// Near-miss: comparison against a constant, not the outer element.
func countEmpty(groups [][]string) int {
	n := 0
	for _, g := range groups {
		for _, s := range g {
			if s == "" {
				n++
			}
		}
	}
	return n
}

// Near-miss: ordering comparison (bubble-like ranking), not a join.
func ranks(scores []int) []int {
	out := make([]int, len(scores))
	for i, a := range scores {
		for _, b := range scores {
			if b > a {
				out[i]++
			}
		}
	}
	return out
}

func editDistance(s, t []rune) int {
	prev := make([]int, len(t)+1)
	cur := make([]int, len(t)+1)
	for j := range prev {
		prev[j] = j
	}
	for i, sc := range s {
		cur[0] = i + 1
		for j, tc := range t {
			cost := 1
			if sc == tc {
				cost = 0
			}
			cur[j+1] = min(prev[j+1]+1, cur[j]+1, prev[j]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(t)]
}

func commonRunes(a, b []rune) [][]bool {
	table := make([][]bool, len(a))
	for i := range a {
		table[i] = make([]bool, len(b))
		for j := range b {
			if a[i] == b[j] {
				table[i][j] = true
			}
		}
	}
	return table
}
