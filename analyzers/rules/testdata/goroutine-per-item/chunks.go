package goperitem

import "sync"

// Near-miss: one goroutine per chunk of a strided loop (the code chose the chunk count).
func SumChunks(nums []int) int {
	const chunk = 4096
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	for i := 0; i < len(nums); i += chunk {
		end := min(i+chunk, len(nums))
		wg.Add(1)
		go func(part []int) {
			defer wg.Done()
			s := 0
			for _, v := range part {
				s += v
			}
			mu.Lock()
			total += s
			mu.Unlock()
		}(nums[i:end])
	}
	wg.Wait()
	return total
}

// Still one goroutine per item when the loop steps by one.
func SquareAll(nums []int) []int {
	out := make([]int, len(nums))
	var wg sync.WaitGroup
	for i := 0; i < len(nums); i += 1 {
		wg.Add(1)
		go func(i int) { // want "one goroutine per item"
			defer wg.Done()
			out[i] = nums[i] * nums[i]
		}(i)
	}
	wg.Wait()
	return out
}
