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

// Near miss: the formatted part is named, then used only in a path join (prometheus' notifier postPath).
func postPath(pre string, version string) string {
	endpoint := fmt.Sprintf("/api/%s/alerts", version)
	return path.Join("/", pre, endpoint)
}

// Hit: the named value is also returned on its own, not only joined.
func postPaths(pre string, version string) (string, string) {
	endpoint := fmt.Sprintf("/api/%s", version) // want "use \"/api/\" \+ version"
	return path.Join("/", pre, endpoint), endpoint
}
