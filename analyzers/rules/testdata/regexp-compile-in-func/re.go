package regexpcompileinfunc

import (
	"regexp"
	"sync"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

func validID(s string) bool {
	return regexp.MustCompile(`^[a-z0-9-]{3,32}$`).MatchString(s) // want "compiles the pattern on every call"
}

func extract(lines []string) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		re := regexp.MustCompile(`id=(\d+)`) // want "on every iteration"
		if m := re.FindStringSubmatch(l); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

func emails(lines []string) int {
	n := 0
	for _, l := range lines {
		if ok, _ := regexp.MatchString(`^\S+@\S+$`, l); ok { // want "regexp.MatchString compiles the pattern on every iteration"
			n++
		}
	}
	return n
}

func parseVersion(v string) ([]string, error) {
	re, err := regexp.Compile("^v" + `(\d+)\.(\d+)`) // want "regexp.Compile compiles"
	if err != nil {
		return nil, err
	}
	return re.FindStringSubmatch(v), nil
}

// Near-miss: compiled once at package level.
func validSlug(s string) bool {
	return slugPattern.MatchString(s)
}

// Near-miss: the pattern comes from the caller.
func matches(pattern, s string) (bool, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return false, err
	}
	return re.MatchString(s), nil
}

// Near-miss: the pattern is built from a variable.
func field(name, s string) string {
	re := regexp.MustCompile(regexp.QuoteMeta(name) + `=(\w+)`)
	return re.FindString(s)
}

var (
	datePattern *regexp.Regexp
	dateOnce    sync.Once
)

// Near-miss: compiled lazily once.
func isDate(s string) bool {
	dateOnce.Do(func() {
		datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	})
	return datePattern.MatchString(s)
}

var hexPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[0-9a-f]+$`)
})

// Near-miss: sync.OnceValue at package level.
func isHex(s string) bool {
	return hexPattern().MatchString(s)
}

var tokenPattern *regexp.Regexp

func init() {
	// Near-miss: init runs once.
	tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_]{20,}$`)
}

type Validator struct {
	name *regexp.Regexp
}

// Near-miss: compiled once per object and kept in a field.
func NewValidator() *Validator {
	return &Validator{name: regexp.MustCompile(`^[A-Z][a-z]+$`)}
}

func (v *Validator) Valid(s string) bool {
	return v.name.MatchString(s) && tokenPattern.MatchString(s)
}

// MatchString compiles its pattern on every call, as MustCompile in the body does.
func looksNumeric(s string) bool {
	ok, _ := regexp.MatchString(`^\d+$`, s) // want "regexp.MatchString compiles the pattern on every call"
	return ok
}

var cached *regexp.Regexp

// Near-miss: lazily cached in a package variable.
func lazy(s string) bool {
	if cached == nil {
		cached = regexp.MustCompile(`^x+$`)
	}
	return cached.MatchString(s)
}
