package benchinputs

import "testing"

func TestNewSchedule(t *testing.T) {
	cases := []struct {
		terms    string
		hasError bool
	}{
		{"5", true},
		{"*off", true},
		{"5*off", false},
		{"1*error->2*off", false},
	}
	for _, c := range cases {
		s, err := NewSchedule(t.Name(), c.terms)
		if (err != nil && !c.hasError) || (err == nil && c.hasError) {
			t.Fatalf("%q: error %v, want error: %v", c.terms, err, c.hasError)
		}
		if err == nil && s.Render() != c.terms {
			t.Fatalf("%q rendered as %q", c.terms, s.Render())
		}
	}
}

func TestCompile(t *testing.T) {
	t.Run("invalid", func(t *testing.T) {
		defer func() {
			if r := recover(); r == nil {
				t.Errorf("expected a panic")
			}
		}()
		_ = Compile("[")
	})
	t.Run("valid", func(t *testing.T) {
		if Compile("[a-z]+").Matching([]string{"abc", "123"}) != "abc\n" {
			t.Error("wrong lines")
		}
	})
}
