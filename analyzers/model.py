"""The engine's result: findings, function facts, files and skips (JSON format version 1).

These names are the contract with the CLI, the review report and the bot: keep them stable. Fields are
only ever added to version 1, with defaults, so older readers keep working and older JSON still loads
(`cpu_share`, `cpu_share_flat`, `profiles` and `profile_problems` came with CPU profiles, a finding's
`unmeasured` with the evidence policy); a change
that removes or redefines a field needs version 2.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["info", "warning", "error"]
Tier = Literal["hot", "warm", "cold"]
Status = Literal["new", "pre-existing"]
Change = Literal["added", "modified"]
# What makes a fixed-cost or contention finding a warning: "measured" (the default) wants the team's own
# evidence that its function is hot (a CPU profile covering it, a //perf-review:hot mark, a hot_paths
# glob); "static" takes the hot-path tiers guessed from the code's shape, as versions before it did.
Evidence = Literal["measured", "static"]
EVIDENCE_POLICIES: tuple[Evidence, ...] = ("measured", "static")

SEVERITY_ORDER: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
TIER_ORDER: dict[str, int] = {"cold": 0, "warm": 1, "hot": 2}

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Param:
    """One parameter or result: its name (empty when unnamed) and the type as written."""

    name: str
    type: str


@dataclass
class Finding:
    rule: str
    category: str
    severity: Severity
    file: str
    line: int
    column: int
    end_line: int
    function: str
    hot_path: Tier
    message: str
    suggestion: str | None = None
    status: Status | None = None
    # Stable identity across line shifts: rule, function and the normalised offending text.
    fingerprint: str = ""
    # The loops around the flagged code inside its function, outermost first (a closure run per
    # iteration counts the loops around it): what each walks, its range expression or its condition
    # ("" for `for {}`). The review decides per call vs per iteration, and n-dependence, from these.
    loops: list[str] = field(default_factory=list)
    # The function called, as written, when the flagged code is a call (`os.WriteFile`, `s.db.Query`).
    callee: str = ""
    # The function's cumulative share of a CPU profile (0-1); None when no profile covers it.
    cpu_share: float | None = None
    # A warning by the code's shape alone, lowered to info by the measured evidence policy: nothing
    # the team measured or marked says its function is hot. A profile that does makes it a warning.
    unmeasured: bool = False

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class FunctionFact:
    file: str
    name: str
    receiver: str | None
    start_line: int
    end_line: int
    hot_path: Tier
    hot_reasons: list[str]
    change: Change | None = None
    package: str = ""  # package directory
    package_name: str = ""  # the name in the package clause
    params: list[Param] = field(default_factory=list)
    results: list[Param] = field(default_factory=list)
    takes_lock: bool = False
    # Share of CPU samples (0-1) in the profile that covers the function best: cumulative (the function
    # and what it calls) and flat (its own code). None when no profile covers its package; 0.0 when one
    # does and the function never ran while it was recorded.
    cpu_share: float | None = None
    cpu_share_flat: float | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.receiver}.{self.name}" if self.receiver else self.name

    def to_json(self) -> dict[str, Any]:
        # vars(), not dataclasses.asdict: asdict deep-copies every value, a second per 10k functions.
        data = dict(vars(self))
        data["hot_reasons"] = list(self.hot_reasons)
        data["params"] = [{"name": p.name, "type": p.type} for p in self.params]
        data["results"] = [{"name": p.name, "type": p.type} for p in self.results]
        return data


@dataclass
class FileFact:
    file: str
    functions: int
    parse_errors: int

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class Skipped:
    file: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class ProfileReport:
    """One CPU profile that was used: what it holds and how it matched the analysed code."""

    source: str  # path as given or found: "cmd/app/default.pgo"
    sample_type: str  # "cpu/nanoseconds"
    total: int
    samples: int
    time_nanos: int  # when recording started (0: unknown)
    duration_nanos: int
    age_days: float | None  # at analysis time; None when unknown
    matched: int  # analysed functions with samples in it
    unmatched: list[str] = field(default_factory=list)  # its functions in analysed packages that matched none
    unmatched_count: int = 0
    warnings: list[str] = field(default_factory=list)  # stale, or from another module
    threshold: float = 0.01  # the cumulative share that made a function hot in this run

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ProfileProblem:
    """A profile that could not be used (empty, truncated, too large, not a CPU profile): the analysis
    went on without it."""

    source: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    functions: list[FunctionFact] = field(default_factory=list)
    files: list[FileFact] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # Go version per package directory, from the nearest go.mod ("1.22"); "" when unknown.
    go_versions: dict[str, str] = field(default_factory=dict)
    # Set in change mode: which revisions were compared.
    base: str | None = None
    head: str | None = None
    profiles: list[ProfileReport] = field(default_factory=list)
    profile_problems: list[ProfileProblem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "findings": [f.to_json() for f in self.findings],
            "functions": [f.to_json() for f in self.functions],
            "files": [f.to_json() for f in self.files],
            "skipped": [s.to_json() for s in self.skipped],
            "go_versions": dict(self.go_versions),
            "base": self.base,
            "head": self.head,
            "profiles": [p.to_json() for p in self.profiles],
            "profile_problems": [p.to_json() for p in self.profile_problems],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"unsupported result version {data.get('version')!r}")
        functions = []
        for raw in data.get("functions", []):
            raw = dict(raw)
            raw["params"] = [Param(**p) for p in raw.get("params", [])]
            raw["results"] = [Param(**p) for p in raw.get("results", [])]
            functions.append(FunctionFact(**raw))
        return cls(
            findings=[Finding(**f) for f in data.get("findings", [])],
            functions=functions,
            files=[FileFact(**f) for f in data.get("files", [])],
            skipped=[Skipped(**s) for s in data.get("skipped", [])],
            go_versions=dict(data.get("go_versions", {})),
            base=data.get("base"),
            head=data.get("head"),
            profiles=[ProfileReport(**p) for p in data.get("profiles", [])],
            profile_problems=[ProfileProblem(**p) for p in data.get("profile_problems", [])],
        )
