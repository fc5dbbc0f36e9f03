"""pprof CPU profiles: bytes in (gzip-compressed protobuf, or plain), per-function samples out.

Parsed with the messages generated from the pprof project's profile.proto (proto/). Sums follow
`go tool pprof -top -cum`: a sample's value is flat for the innermost frame of its stack and cumulative
once for every distinct function on the stack, inlined frames included. Every way a file can be wrong
(empty, truncated, a gzip bomb, not protobuf, not a CPU profile, dangling ids) raises ProfileError with
a sentence a user can act on; nothing here reads files.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import cast

from google.protobuf.message import DecodeError

from analyzers.pprof.names import engine_name, split_symbol
from analyzers.pprof.proto.profile_pb2 import Profile

MAX_COMPRESSED = 32 * 1024 * 1024
MAX_DECOMPRESSED = 256 * 1024 * 1024
_CHUNK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"
_MAX_RATIO = 1040
_PREPROFILE = b"GO PREPROFILE"
_KINDS = (
    ({"alloc_space", "inuse_space", "alloc_objects", "inuse_objects"}, "a heap profile"),
    ({"contentions", "delay"}, "a mutex or block profile"),
    ({"goroutine", "goroutines"}, "a goroutine profile"),
    ({"threadcreate"}, "a thread-creation profile"),
)


class ProfileError(ValueError):
    """A profile that cannot be used, with the reason in words."""


@dataclass(frozen=True)
class FunctionSamples:
    """One function of a profile: `package` is its import path ('main' for commands, '' for symbols of
    no Go package), `name` its package-relative name in the engine's spelling, `symbol` as the profile
    spells it; flat and cum in the profile's unit."""

    symbol: str
    package: str
    name: str
    file: str
    flat: int
    cum: int


@dataclass(frozen=True)
class CpuProfile:
    source: str  # where it came from, for messages: "cmd/app/default.pgo"
    sample_type: str  # "cpu/nanoseconds"
    total: int  # sum of the chosen value over all samples
    samples: int
    time_nanos: int  # when collection started (0: unknown)
    duration_nanos: int
    functions: tuple[FunctionSamples, ...]


def decode_profile(data: bytes, source: str, *, max_decompressed: int = MAX_DECOMPRESSED) -> CpuProfile:
    """The CPU profile in data (as read from a .pprof or default.pgo file). Raises ProfileError."""
    if not data:
        raise ProfileError("the file is empty")
    if len(data) > MAX_COMPRESSED:
        raise ProfileError(f"the file is larger than the {MAX_COMPRESSED // (1024 * 1024)} MB limit")
    if data.startswith(_PREPROFILE):
        raise ProfileError("a preprocessed PGO profile (go tool preprofile) has no sample values: commit the "
                           "pprof CPU profile it was made from instead")
    raw = inflate(data, max_decompressed) if data.startswith(_GZIP_MAGIC) else data
    if len(raw) > max_decompressed:
        raise ProfileError(f"larger than the {max_decompressed // (1024 * 1024)} MB limit")
    profile = Profile()
    try:
        profile.ParseFromString(raw)
    except (DecodeError, RuntimeError, ValueError) as exc:
        raise ProfileError(f"not a pprof profile (the protobuf does not parse: {exc})") from None
    return aggregate(profile, source)


def inflate(data: bytes, limit: int) -> bytes:
    """Gunzip data, stopping (with ProfileError) as soon as the output passes limit: a small file that
    would expand to gigabytes never does. Several gzip members one after another are read as one stream."""
    # The trailer of the last member states its size (mod 2**32), which a file within the limit never
    # overstates: a claim above the limit that deflate could produce from this many bytes (at most
    # ~1032:1) is refused at once. A claim no deflate stream could meet is the noise of a cut file.
    claimed = int.from_bytes(data[-4:], "little") if len(data) >= 18 else 0
    if limit < claimed <= len(data) * _MAX_RATIO:
        raise ProfileError(_bomb(limit))
    out = bytearray()
    tail = data
    while True:
        stream = zlib.decompressobj(wbits=31)
        try:
            while not stream.eof:
                chunk = stream.decompress(tail, _CHUNK)
                tail = stream.unconsumed_tail
                if not chunk and not tail:
                    raise ProfileError("the gzip stream is truncated (the file was cut short)")
                out += chunk
                if len(out) > limit:
                    raise ProfileError(_bomb(limit))
        except zlib.error as exc:
            raise ProfileError(f"the gzip data is corrupt ({exc})") from None
        tail = stream.unused_data
        if not tail.startswith(_GZIP_MAGIC):
            break
    if tail.strip(b"\0"):
        raise ProfileError("unexpected bytes after the end of the gzip data")
    return bytes(out)


def _bomb(limit: int) -> str:
    return (f"it decompresses to more than the {limit // (1024 * 1024)} MB limit (a gzip bomb, or far larger "
            "than a CPU profile)")


def aggregate(profile: Profile, source: str) -> CpuProfile:
    strings = list(profile.string_table)
    if not strings or strings[0] != "":
        raise ProfileError("not a pprof profile (its string table is missing or malformed)")

    def s(index: int) -> str:
        if not 0 <= index < len(strings):
            raise ProfileError(f"malformed profile: string index {index} is out of range")
        return strings[index]

    index, kind = _value_index(profile, s)
    keys: dict[tuple[str, str, str], int] = {}
    symbols: list[str] = []
    by_function_id: dict[int, int] = {}
    for fn in profile.function:
        package, relative = split_symbol(s(fn.name) or s(fn.system_name))
        key = (package, engine_name(relative) if package else relative, s(fn.filename))
        slot = keys.setdefault(key, len(keys))
        if slot == len(symbols):
            symbols.append(s(fn.name) or s(fn.system_name))
        by_function_id[fn.id] = slot
    frames = _frames(profile, by_function_id)
    flat = [0] * len(keys)
    cum = [0] * len(keys)
    total = 0
    on_stack: dict[int, list[int]] = {}  # sample value -> the distinct slots of each such sample's stack
    for sample in profile.sample:
        values = sample.value
        if len(values) <= index:
            raise ProfileError("malformed profile: a sample has fewer values than the profile's sample types")
        value = values[index]
        total += value
        if not value:
            continue
        try:
            stack = [frames[loc_id] for loc_id in sample.location_id]
        except (IndexError, KeyError):
            stack = [None]
        if None in stack:
            raise ProfileError(f"malformed profile: a sample names location {_missing(sample.location_id, frames)}, "
                               "which it does not define")
        present = cast(list[tuple[int, ...]], stack)
        # The innermost frame is flat (an unsymbolised one takes it too, as pprof's address nodes do);
        # every distinct function on the stack is cumulative once.
        if present and present[0]:
            flat[present[0][0]] += value
        on_stack.setdefault(value, []).extend(set(chain.from_iterable(present)))
    # Counted in C per distinct sample value (CPU samples mostly share one: the period) rather than
    # added slot by slot per sample in Python.
    for value, slots in on_stack.items():
        for slot, n in Counter(slots).items():
            cum[slot] += n * value
    if not profile.sample or total <= 0:
        raise ProfileError(f"{kind} with no samples: nothing ran while it was recorded")
    functions = tuple(
        FunctionSamples(symbols[slot], key[0], key[1], key[2], flat[slot], cum[slot])
        for key, slot in keys.items()
        if cum[slot] or flat[slot]
    )
    return CpuProfile(source, kind, total, len(profile.sample), profile.time_nanos, profile.duration_nanos,
                      functions)


Frames = Sequence[tuple[int, ...] | None] | dict[int, tuple[int, ...]]


def _frames(profile: Profile, by_function_id: dict[int, int]) -> Frames:
    """Location id -> the function slots of its frames, innermost first: a list when ids are dense (the
    usual 1..n, and far cheaper to index), else a dict."""
    frames: dict[int, tuple[int, ...]] = {}
    for loc in profile.location:
        try:
            frames[loc.id] = tuple(by_function_id[line.function_id] for line in loc.line)
        except KeyError as exc:
            raise ProfileError(f"malformed profile: location {loc.id} names function {exc.args[0]}, "
                               "which it does not define") from None
    top = max(frames, default=0)
    if top > 4 * len(frames) + 1024:
        return frames
    dense: list[tuple[int, ...] | None] = [None] * (top + 1)
    for loc_id, slots in frames.items():
        dense[loc_id] = slots
    return dense


def _missing(ids: Iterable[int], frames: Frames) -> int:
    if isinstance(frames, dict):
        return next(i for i in ids if i not in frames)
    return next(i for i in ids if not 0 <= i < len(frames) or frames[i] is None)


def _value_index(profile: Profile, name: Callable[[int], str]) -> tuple[int, str]:
    """Which sample value is CPU time: the "cpu" one, else "samples" in a profile whose period is CPU."""
    types = [(name(t.type), name(t.unit)) for t in profile.sample_type]
    for i, (kind, unit) in enumerate(types):
        if kind == "cpu":
            return i, f"{kind}/{unit}"
    period = name(profile.period_type.type) if profile.HasField("period_type") else ""
    for i, (kind, unit) in enumerate(types):
        if kind == "samples" and period == "cpu":
            return i, f"{kind}/{unit}"
    described = ", ".join(f"{k}/{u}" for k, u in types) or "none"
    what = next((label for names, label in _KINDS if names & {k for k, _ in types}), "not a CPU profile")
    raise ProfileError(f"{what}, not a CPU profile (its sample types: {described}): perf-review needs CPU time")
