package inventory

import (
	"fmt"
	"net/http"
	"strings"
)

// Order is a customer's order of one SKU.
type Order struct {
	ID       int
	Customer string
	SKU      string
}

// ServeHTTP lists the items named in the `skus` query parameter.
func (s *Store) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var names []string
	skus := strings.Split(r.URL.Query().Get("skus"), ",")
	for _, sku := range skus {
		it, ok := s.Get(sku)
		if !ok {
			continue
		}
		names = append(names, fmt.Sprintf("%s", it.Name))
	}
	w.Write([]byte(strings.Join(names, ",")))
}

// Backordered returns the orders whose SKU is out of stock.
func Backordered(orders []Order, items []Item) []Order {
	var out []Order
	for _, o := range orders {
		for _, it := range items {
			if it.SKU == o.SKU && it.Quantity == 0 {
				out = append(out, o)
			}
		}
	}
	return out
}

// CountLines counts newline-terminated records in a CSV export.
func CountLines(data []byte) int {
	n := 0
	for i := 0; i < len(data); i++ {
		if data[i] == '\n' {
			n++
		}
	}
	return n
}
