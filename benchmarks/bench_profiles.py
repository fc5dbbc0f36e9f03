"""CPU-profile decoding cost: `python benchmarks/bench_profiles.py`.

Real profiles are small (the fixtures: a few KB); this builds a synthetic one the size of a busy
service's (default: 50,000 samples of 30 frames over 100,000 locations and 20,000 functions, ~4 MB
gzipped), decodes it three times and reports the median CPU time (process time, so other load on the
machine does not count) and wall time. It also times refusing a gzip bomb whose trailer lies about its
size, which must inflate up to the 256 MB cap before it can say no.
"""

from __future__ import annotations

import argparse
import gzip
import random
import statistics
import time
from collections.abc import Callable

from analyzers.pprof.decode import MAX_DECOMPRESSED, ProfileError, decode_profile, inflate
from analyzers.pprof.proto import profile_pb2


def synthetic(samples: int, depth: int, locations: int, functions: int) -> bytes:
    rng = random.Random(1)
    p = profile_pb2.Profile(string_table=["", "samples", "count", "cpu", "nanoseconds"])
    p.sample_type.add(type=1, unit=2)
    p.sample_type.add(type=3, unit=4)
    for i in range(1, functions + 1):
        p.string_table.append(f"example.com/svc/pkg{i % 300}.(*T{i % 50}).Method{i}")
        p.string_table.append(f"/src/svc/pkg{i % 300}/file{i % 20}.go")
        n = len(p.string_table)
        p.function.add(id=i, name=n - 2, system_name=n - 2, filename=n - 1)
    for i in range(1, locations + 1):
        loc = p.location.add(id=i, address=i)
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            loc.line.add(function_id=rng.randint(1, functions), line=10)
    for _ in range(samples):
        s = p.sample.add(value=[1, 10_000_000])
        s.location_id.extend(rng.randint(1, locations) for _ in range(depth))
    return gzip.compress(p.SerializeToString(), 6)


def timed(fn: Callable[[], object], runs: int = 3) -> tuple[float, float]:
    cpu, wall = [], []
    for _ in range(runs):
        c, w = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=50_000)
    args = ap.parse_args()
    data = synthetic(args.samples, 30, 100_000, 20_000)
    cpu, wall = timed(lambda: decode_profile(data, "synthetic"))
    print(f"decode {args.samples:,} samples x 30 frames ({len(data) / 1e6:.1f} MB gzipped): "
          f"median {cpu:.2f} s CPU, {wall:.2f} s wall")
    bomb = gzip.compress(b"\0" * (MAX_DECOMPRESSED + 1024 * 1024), 9)
    lying = bomb[:-4] + (1000).to_bytes(4, "little")

    def refuse() -> None:
        try:
            inflate(lying, MAX_DECOMPRESSED)
        except ProfileError:
            return
        raise AssertionError("the bomb was not refused")

    cpu, wall = timed(refuse)
    print(f"refuse a {len(bomb) / 1e3:.0f} KB gzip bomb with a lying trailer: median {cpu:.2f} s CPU, "
          f"{wall:.2f} s wall")


if __name__ == "__main__":
    main()
