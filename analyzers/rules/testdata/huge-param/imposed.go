package hugeparam

import "context"

// Op is a large request description.
type Op struct {
	key, end, value  []byte
	rev, limit, keys int64
	prevKV, ignore   bool
	filter           [4]int64
	opts             [6]string
}

// KV is the package's client API: Do's signature is fixed by it.
type KV interface {
	Do(ctx context.Context, op Op) (int64, error)
}

type kv struct{ calls int }

// Near-miss: the method implements the package's interface.
func (c *kv) Do(ctx context.Context, op Op) (int64, error) {
	c.calls++
	return op.rev + op.limit, ctx.Err()
}

// Near-miss: a one-statement accessor is inlined; the copy goes with the call.
func (op Op) Rev() int64 { return op.rev }

// Near-miss: likewise for a comparison.
func (op Op) IsRange() bool { return len(op.end) > 0 && op.limit == 0 }

// A value receiver that does real work copies the struct on every call.
func (op Op) Describe() string { // want "value receiver op Op copies"
	s := string(op.key)
	for _, o := range op.opts {
		s += o
	}
	return s
}

// A parameter of a method no interface imposes.
func apply(op Op, log []string) []string { // want "op Op is passed by value"
	return append(log, string(op.key), string(op.value))
}
