package sprintfsimple

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

func pathJoin(elem ...string) string { return strings.Join(elem, "/") }

type part struct{ Number int }

// Near misses: each formatted name is a path component for the file or URL read right after; the I/O
// costs a hundred times the formatting (minio's readParts, prometheus' Alertmanager paths).
func partPaths(dir string, parts []part) []string {
	var out []string
	for _, p := range parts {
		out = append(out, filepath.Join(dir, fmt.Sprintf("part.%d", p.Number)))
		out = append(out, pathJoin(dir, fmt.Sprintf("part.%d", p.Number)))
		out = append(out, path.Join("/api", fmt.Sprintf("%s", dir)))
	}
	return out
}

// Hit: the same name kept as a map key, not a path.
func partNames(parts []part) map[string]int {
	names := make(map[string]int, len(parts))
	for i, p := range parts {
		names[fmt.Sprintf("%d", p.Number)] = i // want "use strconv.Itoa\(p.Number\)"
	}
	return names
}
