// Package benchinputs is Go written for the benchmark generator's own tests: each function needs an
// input shaped by what it checks (a CIDR its constructor parses, the type it asserts, the parts of a
// string it splits, the kind of value it reflects on, what its own encoder writes) or cannot be run
// alone at all (links between nodes, a loop that ends only on an invariant). tests/test_benchmarks_run.py
// runs every generated benchmark: none may fail.
package benchinputs
