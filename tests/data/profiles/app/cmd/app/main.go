// Command app labels items for a while and writes a CPU profile: the default.pgo beside it (the PGO
// convention), and with -heap a heap profile. See tests/data/profiles/README.md for the commands.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/pprof"
	"time"

	"example.com/app/lib"
)

func main() {
	cpu := flag.String("cpuprofile", "default.pgo", "CPU profile to write")
	heap := flag.String("heapprofile", "", "heap profile to write at the end (optional)")
	seconds := flag.Float64("seconds", 4, "how long to run")
	flag.Parse()
	f, err := os.Create(*cpu)
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	n := run(time.Duration(*seconds * float64(time.Second)))
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	if *heap != "" {
		writeHeap(*heap)
	}
	fmt.Println("labels:", n)
}

// run labels items until the deadline; every 4th round it also counts vowels,
// every 8th it registers a label.
func run(d time.Duration) int {
	names := []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}
	reg := lib.NewRegistry()
	deadline := time.Now().Add(d)
	n := 0
	for round := 0; round%256 != 0 || time.Now().Before(deadline); round++ {
		for i, name := range names {
			n += len(lib.Label(round*len(names)+i, name))
		}
		if round%4 == 0 {
			n += lib.Vowels(names)
		}
		if round%8 == 0 {
			reg.Register(round%1024, names[round%len(names)])
		}
	}
	return n + reg.Size()
}

func writeHeap(path string) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		log.Fatal(err)
	}
}
