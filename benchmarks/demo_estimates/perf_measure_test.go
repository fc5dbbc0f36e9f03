package inventory

// Hand-written benchmarks for the demo change (examples/demo/head): each reaches one finding's line
// with realistic input and is paired with the same code fixed, so that the difference between the
// two is what the finding's estimate claims. benchmarks/demo_estimates.py copies this file into the
// demo repository at head, runs it and prints the differences.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

const measureN = 1000

var (
	sinkOrders []Order
	sinkString string
	sinkInt    int
)

func measureItems(n int) []Item {
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{SKU: fmt.Sprintf("SKU-%06d", i), Name: fmt.Sprintf("Widget %d", i), Quantity: i % 10}
	}
	return items
}

func measureOrders(n int) []Order {
	orders := make([]Order, n)
	for i := range orders {
		orders[i] = Order{ID: i, Customer: "c", SKU: fmt.Sprintf("SKU-%06d", (i*7)%n)}
	}
	return orders
}

func measureStore(b *testing.B, n int) *Store {
	s := NewStore(filepath.Join(b.TempDir(), "store.json"))
	for _, it := range measureItems(n) {
		s.items[it.SKU] = it
	}
	return s
}

// #1 nested-loop-quadratic (handler.go:34): Backordered at n = m = 1,000.

func backorderedFixed(orders []Order, items []Item) []Order {
	empty := make(map[string]bool, len(items))
	for _, it := range items {
		if it.Quantity == 0 {
			empty[it.SKU] = true
		}
	}
	var out []Order
	for _, o := range orders {
		if empty[o.SKU] {
			out = append(out, o)
		}
	}
	return out
}

func BenchmarkMeasureBackordered(b *testing.B) {
	orders, items := measureOrders(measureN), measureItems(measureN)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkOrders = Backordered(orders, items)
	}
}

func BenchmarkMeasureBackorderedFixed(b *testing.B) {
	orders, items := measureOrders(measureN), measureItems(measureN)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkOrders = backorderedFixed(orders, items)
	}
}

// #2 lock-held-across-io (store.go:48): how much longer Put holds s.mu because of os.WriteFile (a
// store of 100 items, ~8 KB of JSON, written to a file in the test's temporary directory).

func (s *Store) putWithoutWrite(it Item) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items[it.SKU] = it
	_, err := json.Marshal(s.items)
	return err
}

func BenchmarkMeasurePut(b *testing.B) {
	s := measureStore(b, 100)
	it := Item{SKU: "SKU-000001", Name: "Widget 1", Quantity: 3}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Put(it); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMeasurePutWithoutWrite(b *testing.B) {
	s := measureStore(b, 100)
	it := Item{SKU: "SKU-000001", Name: "Widget 1", Quantity: 3}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.putWithoutWrite(it); err != nil {
			b.Fatal(err)
		}
	}
}

// #3 sprintf-simple (handler.go:25, per iteration): ServeHTTP for a request naming 100 SKUs against a
// copy without the Sprintf; #4 write-string-conversion (handler.go:27, per call): that copy against one
// that also writes with io.WriteString (the smaller the rest of the handler, the clearer the difference).

func (s *Store) serveWithoutSprintf(w http.ResponseWriter, r *http.Request) {
	var names []string
	skus := strings.Split(r.URL.Query().Get("skus"), ",")
	for _, sku := range skus {
		it, ok := s.Get(sku)
		if !ok {
			continue
		}
		names = append(names, it.Name)
	}
	w.Write([]byte(strings.Join(names, ",")))
}

func (s *Store) serveFixed(w http.ResponseWriter, r *http.Request) {
	var names []string
	skus := strings.Split(r.URL.Query().Get("skus"), ",")
	for _, sku := range skus {
		it, ok := s.Get(sku)
		if !ok {
			continue
		}
		names = append(names, it.Name)
	}
	io.WriteString(w, strings.Join(names, ","))
}

const measureSKUs = 100

func measureRequest() *http.Request {
	skus := make([]string, measureSKUs)
	for i := range skus {
		skus[i] = fmt.Sprintf("SKU-%06d", i)
	}
	return httptest.NewRequest("GET", "/?skus="+strings.Join(skus, ","), nil)
}

func measureServe(b *testing.B, serve func(*Store, http.ResponseWriter, *http.Request)) {
	s := measureStore(b, measureN)
	w, r := httptest.NewRecorder(), measureRequest()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w.Body.Reset()
		serve(s, w, r)
	}
	if w.Body.Len() == 0 {
		b.Fatal("nothing written: the request reached no item")
	}
}

func BenchmarkMeasureServeHTTP(b *testing.B) { measureServe(b, (*Store).ServeHTTP) }

func BenchmarkMeasureServeHTTPWithoutSprintf(b *testing.B) { measureServe(b, (*Store).serveWithoutSprintf) }

func BenchmarkMeasureServeHTTPFixed(b *testing.B) { measureServe(b, (*Store).serveFixed) }

// #5 string-concat-loop (store.go:55): Render of 1,000 items against the base version's strings.Builder.

func renderFixed(items []Item) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(it.SKU)
		b.WriteByte(' ')
		b.WriteString(it.Name)
		b.WriteByte('\n')
	}
	return b.String()
}

func BenchmarkMeasureRender(b *testing.B) {
	items := measureItems(measureN)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkString = Render(items)
	}
}

func BenchmarkMeasureRenderFixed(b *testing.B) {
	items := measureItems(measureN)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkString = renderFixed(items)
	}
}

// #6 byte-loop-count (handler.go:46): CountLines over 1,000 bytes of CSV-like lines against bytes.Count.

func measureCSV(n int) []byte {
	var buf bytes.Buffer
	for i := 0; buf.Len() < n; i++ {
		fmt.Fprintf(&buf, "%d,SKU-%06d,Widget %d,%d\n", i, i, i, i%10)
	}
	return buf.Bytes()[:n]
}

func BenchmarkMeasureCountLines(b *testing.B) {
	data := measureCSV(measureN)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkInt = CountLines(data)
	}
}

func BenchmarkMeasureCountLinesFixed(b *testing.B) {
	data := measureCSV(measureN)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkInt = bytes.Count(data, []byte{'\n'})
	}
}
