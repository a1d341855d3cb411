"""One report file through every stage: read → normalise → find metadata → extract → derive.

Reads top to bottom like a recipe. Bad input never raises: it comes back as ok=False with the
reason in plain words, so one unreadable file never stops a batch."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import max_file_bytes
from pipeline.parse.derive import derive_indicators
from pipeline.parse.extract import extract_indicators
from pipeline.parse.mentions import find_mentions
from pipeline.parse.metadata import find_metadata
from pipeline.parse.normalise import normalise_document
from pipeline.parse.read import read_document
from pipeline.parse.records import ReadError, ReportResult


def process_file(path: str | Path, with_mentions: bool = True) -> ReportResult:
    """Turn one report file into a ReportResult; never raises on bad input."""
    source = str(path)
    try:
        doc = read_document(path, max_bytes=max_file_bytes())
    except ReadError as e:
        return ReportResult(source=source, ok=False, error=str(e))
    norm = normalise_document(doc)
    text, script = norm.text, norm.script
    meta = find_metadata(text, title=norm.title)
    found = extract_indicators(text, year=meta.year, level=meta.level, jurisdiction=meta.jurisdiction)
    indicators = derive_indicators(found.values)
    return ReportResult(
        source=source,
        ok=True,
        format=doc.format,
        sha256=doc.sha256,
        script=script,
        text=text,
        meta=meta,
        indicators=indicators,
        mentions=find_mentions(text) if with_mentions else [],
        skipped_clauses=found.skipped,
    )
