"""Plain records passed between the pipeline stages (read → decode → normalise → find metadata →
extract → derive → store). Every value keeps the way back to the sentence it came from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


class ReadError(Exception):
    """A file that cannot be turned into text. The message is for the user, in plain Chinese."""


class MissingDependency(RuntimeError):
    """A library the parser needs is not installed: a broken install, not a bad file. It stops the
    batch (every file would fail the same way) with a message naming the package."""

    def __init__(self, package: str) -> None:
        super().__init__(
            f"缺少依赖包 {package}，无法解析报告：请运行 `make`（或 `.venv/bin/pip install -e .`）重新安装依赖"
        )
        self.package = package


@dataclass(frozen=True)
class Document:
    """A report file read and decoded to text, before normalisation."""

    source: str  # the path as given
    format: str  # "txt" | "html" | "docx" | "pdf"
    text: str  # decoded text as the file has it (line endings and script untouched)
    sha256: str  # of the file's bytes
    title: str | None = None  # <title> of a page or the docx core title, when there is one


@dataclass(frozen=True)
class Normalised:
    """A document's text and title after every normalisation (offsets point into `text`)."""

    text: str
    script: str  # simplified | traditional: the source's script
    title: str | None = None


@dataclass(frozen=True)
class Metadata:
    """Who published the report and which year it describes (see spec: Report metadata)."""

    jurisdiction: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    level: str | None = None  # national | province | prefecture | county | township | department
    year: int | None = None
    title: str | None = None
    sources: dict[str, str] = field(default_factory=dict)  # field → the signal that decided it (标题, 落款…)
    department: str | None = None  # 司法局 for a department's report; None for a government's own


@dataclass(frozen=True)
class Value:
    """One indicator value with its provenance in the normalised text."""

    key: str
    value: float | int
    unit: str  # unit as written: 件, 次, %, 万元 ...
    qualifier: str  # exact | over | approx | under
    derived: bool
    evidence: str  # the clause the value was read from (or how it was computed)
    start: int | None  # offsets of the figure in the normalised text
    end: int | None

    def to_json(self) -> dict:
        d = asdict(self)
        d.pop("key")
        return d


@dataclass(frozen=True)
class Mention:
    """Any number in the report with its unit and clause, for free-text search."""

    value: float | int
    unit: str
    qualifier: str
    clause: str
    start: int
    end: int

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class ReportResult:
    """Everything the pipeline learnt from one file; ok=False carries the reason in `error`."""

    source: str
    ok: bool
    error: str | None = None
    format: str | None = None
    sha256: str | None = None
    script: str | None = None  # simplified | traditional
    text: str | None = None  # the normalised (simplified, half-width) text
    meta: Metadata = field(default_factory=Metadata)
    indicators: dict[str, Value] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    skipped_clauses: int = 0  # clauses that held a figure but could not be parsed

    def to_json(self, with_mentions: bool = False) -> dict:
        """The `extract --jsonl` line (spec: The extract command)."""
        if not self.ok:
            return {"source": self.source, "ok": False, "error": self.error}
        out = {"source": self.source, "ok": True, "error": None}
        m = self.meta
        out.update(
            jurisdiction=m.jurisdiction,
            department=m.department,
            province=m.province,
            city=m.city,
            county=m.county,
            level=m.level,
            year=m.year,
            script=self.script,
        )
        out["indicators"] = {k: v.to_json() for k, v in self.indicators.items()}
        if with_mentions:
            out["mentions"] = [x.to_json() for x in self.mentions]
        return out
