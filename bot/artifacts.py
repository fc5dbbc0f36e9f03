"""The `perf-review-measure` artifact as untrusted input: a zip that anyone who can open a pull request
(a fork included) can shape. It is read in memory, never extracted; everything about it is checked before
its JSON is believed: the sizes (zipped and unzipped, the latter counted while decompressing, not taken
from the zip's own headers), exactly one member with exactly the expected name (no folders, no `..`, no
absolute or Windows paths, no links, no encryption, only stored or deflated data), the version-1 JSON
schema, and the head commit it claims to measure.
"""

from __future__ import annotations

import io
import stat
import zipfile

from analyzers.report.measured import Measurement
from bot.errors import PerfReviewError
from bot.measure.result import ARTIFACT_FILE, ResultError, loads

MAX_ZIPPED = 5 * 1024 * 1024
MAX_UNZIPPED = 5 * 1024 * 1024
_CHUNK = 64 * 1024


class ArtifactError(PerfReviewError):
    """An artifact that is refused; the message says why (it is logged, never posted)."""


def read_measure_artifact(data: bytes, expected_head: str) -> Measurement:
    """The Measurement inside a downloaded artifact zip, or ArtifactError."""
    if len(data) > MAX_ZIPPED:
        raise ArtifactError(f"the zip is {len(data):,} bytes, over the {MAX_ZIPPED:,}-byte limit")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = _the_member(zf.infolist())
            text = _read_limited(zf, info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as exc:
        raise ArtifactError(f"not a readable zip: {type(exc).__name__}: {str(exc)[:200]}") from None
    try:
        measurement = loads(text)
    except ResultError as exc:
        raise ArtifactError(f"{ARTIFACT_FILE}: {exc}") from None
    if measurement.head != expected_head:
        raise ArtifactError(f"it measures {measurement.head[:12]}, not the pull request's head {expected_head[:12]}")
    return measurement


def _the_member(infos: list[zipfile.ZipInfo]) -> zipfile.ZipInfo:
    if len(infos) != 1:
        names = ", ".join(repr(i.filename[:80]) for i in infos[:5])
        raise ArtifactError(f"expected one member, {ARTIFACT_FILE!r}; found {len(infos)}: {names}")
    info = infos[0]
    name = info.filename
    if name != ARTIFACT_FILE or "/" in name or "\\" in name or ".." in name or ":" in name:
        raise ArtifactError(f"unexpected member {name[:80]!r} (only {ARTIFACT_FILE!r} is read)")
    kind = stat.S_IFMT(info.external_attr >> 16)  # 0: no Unix file type recorded (a plain file)
    if info.is_dir() or kind not in (0, stat.S_IFREG):
        raise ArtifactError(f"{ARTIFACT_FILE!r} is not a regular file in the zip")
    if info.flag_bits & 0x1:
        raise ArtifactError("the zip is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ArtifactError(f"unsupported compression method {info.compress_type}")
    if info.file_size > MAX_UNZIPPED:
        raise ArtifactError(f"{ARTIFACT_FILE!r} unzips to {info.file_size:,} bytes, over the limit")
    return info


def _read_limited(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Decompress at most MAX_UNZIPPED bytes, whatever the header claims (a zip bomb lies there)."""
    out = io.BytesIO()
    with zf.open(info) as member:
        while chunk := member.read(_CHUNK):
            if out.tell() + len(chunk) > MAX_UNZIPPED:
                raise ArtifactError(f"{ARTIFACT_FILE!r} unzips to more than {MAX_UNZIPPED:,} bytes")
            out.write(chunk)
    return out.getvalue()
