package words

import (
	"strings"
	"testing"
)

var sink map[string]int

func BenchmarkCount(b *testing.B) {
	text := strings.Repeat("The quick brown Fox jumps over the lazy dog ", 200)
	b.ReportAllocs()
	for b.Loop() {
		sink = Count(text)
	}
}
