// Command lister prints one line per argument.
package main

import (
	"fmt"
	"os"
)

// Near-miss: a command's own output to the terminal, once per run.
func main() {
	for i, arg := range os.Args[1:] {
		fmt.Printf("%d: %s\n", i, arg)
	}
}
