package linearsearchinloop

// uniqueStrings checks every earlier element for a duplicate: O(n²).
func uniqueStrings(s []string) []string {
	unique := make([]string, 0, len(s))
	for i, val := range s {
		var seen bool
		for j := 0; j < i; j++ { // want "searches s linearly"
			if s[j] == val {
				seen = true
				break
			}
		}
		if !seen {
			unique = append(unique, val)
		}
	}
	return unique
}

// uniqueSet is the fix: one map lookup per element.
func uniqueSet(s []string) []string {
	seen := make(map[string]struct{}, len(s))
	unique := make([]string, 0, len(s))
	for _, val := range s {
		if _, ok := seen[val]; ok {
			continue
		}
		seen[val] = struct{}{}
		unique = append(unique, val)
	}
	return unique
}

// firstGap compares positions, not elements: not a lookup a map could answer.
func firstGap(marks []int, n int) int {
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			if marks[i] == j {
				return i
			}
		}
	}
	return -1
}
