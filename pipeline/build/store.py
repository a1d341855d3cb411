"""Writing the database: schema, bulk inserts from Arrow, rows carried over from the previous
build, corrections, duplicates and the dashboard's views. Pure storage: no parsing here."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.build.corrections import METADATA_FIELDS, Correction
from pipeline.parse.indicators import Indicator
from pipeline.parse.records import ReportResult

SCHEMA = Path(__file__).with_name("schema.sql")
PREV = "prev"  # the alias of the previous database, attached read-only
LOG_RUNS_KEPT = 20  # earlier builds whose ingest_log rows are carried over (the builds table keeps all)

REPORT_COLUMNS = (
    "report_id",
    "source",
    "sha256",
    "format",
    "script",
    "jurisdiction",
    "province",
    "city",
    "county",
    "level",
    "year",
    "title",
    "text",
    "ingested_at",
    "is_current",
    "duplicate_of",
    "file_mtime",
    "parser_version",
)
META_COLUMNS = ("report_id", *METADATA_FIELDS)
EXTRACTED_COLUMNS = ("report_id", "key", "value", "unit", "qualifier", "derived", "evidence", "start", "end")
MENTION_COLUMNS = ("report_id", "seq", "value", "unit", "qualifier", "clause", "start", "end")
LOG_COLUMNS = ("run_id", "report_id", "source", "sha256", "status", "error", "at")


class PreviousLocked(Exception):
    """The previous database is open for writing elsewhere (the dashboard must open it read-only)."""


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA.read_text(encoding="utf-8"))


def attach_previous(con: duckdb.DuckDBPyConnection, db_path: Path) -> str | None:
    """Attach the previous database read-only as `prev`; returns why it cannot be used, or None."""
    if not db_path.exists():
        return "没有旧数据库"
    try:
        con.execute(f"ATTACH '{_quote(str(db_path))}' AS {PREV} (READ_ONLY)")
    except duckdb.Error as e:
        if "Could not set lock" in str(e):  # someone holds it for writing: swapping it away would lose that
            holder = re.search(r"PID \d+", str(e))
            raise PreviousLocked(
                f"数据库 {db_path} 正被另一个程序以写入方式打开"
                f"{f'（{holder.group(0)}）' if holder else ''}，请先关闭它再构建"
            ) from e
        return f"旧数据库无法打开（{str(e).splitlines()[0]}）"
    try:  # a database from an older schema cannot lend its rows: parse everything again
        for table, cols in (
            ("reports", REPORT_COLUMNS),
            ("extracted_meta", META_COLUMNS),
            ("extracted_indicators", EXTRACTED_COLUMNS),
            ("mentions", MENTION_COLUMNS),
        ):
            con.execute(f"SELECT {', '.join(_q(c) for c in cols)} FROM {PREV}.{table} LIMIT 0")
    except duckdb.Error as e:
        con.execute(f"DETACH {PREV}")
        return f"旧数据库结构不同（{str(e).splitlines()[0]}）"
    return None


def read_previous(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str]]:
    """(report_id, source, sha256, parser_version) of every report in the attached previous database."""
    return con.execute(f"SELECT report_id, source, sha256, parser_version FROM {PREV}.reports").fetchall()


def carry_over_log(con: duckdb.DuckDBPyConnection, keep_runs: int | None = None) -> None:
    """Keep the ingest_log rows of the last `keep_runs` earlier builds (one row per file per build:
    all of them would slow every incremental build down) and every builds row (one per build), by
    column name so old schemas fit."""
    try:
        con.execute(f"""
            INSERT INTO ingest_log BY NAME SELECT * FROM {PREV}.ingest_log
            WHERE run_id IN (SELECT run_id FROM {PREV}.ingest_log GROUP BY run_id
                             ORDER BY max("at") DESC, run_id DESC LIMIT {int(keep_runs or LOG_RUNS_KEPT)})""")
    except duckdb.Error:
        pass  # a log we cannot read is not worth failing the build for
    try:
        con.execute(f"INSERT INTO builds BY NAME SELECT * FROM {PREV}.builds")
    except duckdb.Error:
        pass


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], rows: dict[str, list]
) -> None:
    """Bulk insert column lists through Arrow (row-by-row INSERTs are far too slow at 10,000 reports)."""
    if not rows[columns[0]]:
        return
    arrow = pa.table({c: rows[c] for c in columns})
    con.register("_batch", arrow)
    try:
        cols = ", ".join(_q(c) for c in columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _batch")
    finally:
        con.unregister("_batch")


@dataclass(frozen=True)
class Parsed:
    """A ReportResult flattened to plain tuples (cheap to send back from a worker process)."""

    ok: bool
    error: str | None = None
    file: tuple = ()  # sha256, format, script, text
    meta: tuple = ()  # METADATA_FIELDS, in order
    values: list[tuple] = field(default_factory=list)  # EXTRACTED_COLUMNS without report_id
    mentions: list[tuple] = field(default_factory=list)  # MENTION_COLUMNS without report_id


def flatten_result(r: ReportResult) -> Parsed:
    if not r.ok:
        return Parsed(False, r.error)
    return Parsed(
        True,
        None,
        (r.sha256, r.format, r.script, r.text),
        tuple(getattr(r.meta, f) for f in METADATA_FIELDS),
        [
            (k, float(v.value), v.unit, v.qualifier, bool(v.derived), v.evidence, v.start, v.end)
            for k, v in r.indicators.items()
        ],
        [
            (i, float(m.value), m.unit, m.qualifier, m.clause, m.start, m.end)
            for i, m in enumerate(r.mentions)
        ],
    )


class Batch:
    """Parsed reports waiting to be written: rows per table, written in one bulk insert each."""

    def __init__(self) -> None:
        self.reports: list[tuple] = []
        self.meta: list[tuple] = []
        self.values: list[tuple] = []
        self.mentions: list[tuple] = []

    @property
    def size(self) -> int:
        return len(self.reports)

    def add(
        self, report_id: str, source: str, parsed: Parsed, mtime: datetime, at: datetime, parser_version: str
    ) -> None:
        sha256, fmt, script, text = parsed.file
        self.reports.append(
            (
                report_id,
                source,
                sha256,
                fmt,
                script,
                *parsed.meta,
                text,
                at,
                True,
                None,
                mtime,
                parser_version,
            )
        )
        self.meta.append((report_id, *parsed.meta))
        self.values.extend((report_id, *v) for v in parsed.values)
        self.mentions.extend((report_id, *m) for m in parsed.mentions)

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        for table, cols, rows in (
            ("reports", REPORT_COLUMNS, self.reports),
            ("extracted_meta", META_COLUMNS, self.meta),
            ("extracted_indicators", EXTRACTED_COLUMNS, self.values),
            ("mentions", MENTION_COLUMNS, self.mentions),
        ):
            insert_rows(con, table, cols, _columns(cols, rows))
        self.__init__()


def _columns(cols: Sequence[str], rows: list[tuple]) -> dict[str, list]:
    """Rows to column lists (the shape Arrow wants)."""
    if not rows:
        return {c: [] for c in cols}
    return dict(zip(cols, (list(c) for c in zip(*rows, strict=True)), strict=True))


def copy_previous(con: duckdb.DuckDBPyConnection, reuse: Iterable[tuple[str, str, str, datetime]]) -> None:
    """Carry unchanged reports over from the previous database without parsing them.

    `reuse` rows: (new report_id, report_id in the previous database, source, file mtime or None to
    keep the previous one). The metadata comes from prev.extracted_meta, so corrections are applied
    afresh on top of it."""
    rows = list(reuse)
    if not rows:
        return
    cols = ("report_id", "from_id", "source", "file_mtime")
    types = (pa.string(), pa.string(), pa.string(), pa.timestamp("us"))
    con.register(
        "_reuse",
        pa.table(
            {c: pa.array([r[i] for r in rows], t) for i, (c, t) in enumerate(zip(cols, types, strict=True))}
        ),
    )
    try:
        meta = ", ".join(f"m.{c}" for c in METADATA_FIELDS)
        con.execute(f"""
            INSERT INTO reports ({", ".join(_q(c) for c in REPORT_COLUMNS)})
            SELECT u.report_id, u.source, p.sha256, p.format, p.script, {meta}, p.text, p.ingested_at,
                   TRUE, NULL, coalesce(u.file_mtime, p.file_mtime), p.parser_version
            FROM _reuse u JOIN {PREV}.reports p ON p.report_id = u.from_id
            JOIN {PREV}.extracted_meta m ON m.report_id = u.from_id""")
        con.execute(f"""
            INSERT INTO extracted_meta SELECT u.report_id, {meta}
            FROM _reuse u JOIN {PREV}.extracted_meta m ON m.report_id = u.from_id""")
        rest = ", ".join(f"e.{_q(c)}" for c in EXTRACTED_COLUMNS[1:])
        con.execute(f"""
            INSERT INTO extracted_indicators SELECT u.report_id, {rest}
            FROM _reuse u JOIN {PREV}.extracted_indicators e ON e.report_id = u.from_id""")
        rest = ", ".join(f"x.{_q(c)}" for c in MENTION_COLUMNS[1:])
        con.execute(f"""
            INSERT INTO mentions SELECT u.report_id, {rest}
            FROM _reuse u JOIN {PREV}.mentions x ON x.report_id = u.from_id""")
    finally:
        con.unregister("_reuse")


def write_indicator_defs(con: duckdb.DuckDBPyConnection, defs: Sequence[Indicator]) -> None:
    cols = ("key", "name", "group_key", "group_name", "kind", "unit", "direction", "definition", "sort_order")
    rows = {c: [] for c in cols}
    for d in defs:
        for c, x in zip(
            cols,
            (d.key, d.name, d.group_key, d.group_name, d.kind, d.unit, d.direction, d.definition, d.order),
            strict=True,
        ):
            rows[c].append(x)
    insert_rows(con, "indicator_defs", cols, rows)


def apply_corrections(
    con: duckdb.DuckDBPyConnection, corrections: Sequence[Correction], defs: Sequence[Indicator]
) -> list[Correction]:
    """Fill `indicators` from the extracted values with the corrections on top (later rows win);
    mirror every correction into `corrections`. Returns those that match no report."""
    con.execute("""INSERT INTO indicators SELECT *, 'extracted' FROM extracted_indicators""")
    known = {r for (r,) in con.execute("SELECT report_id FROM reports").fetchall()}
    units = {d.key: d.unit for d in defs}
    unmatched = []
    for c in corrections:
        if c.report_id not in known:
            unmatched.append(c)
            continue
        value = c.parsed_value()
        if c.field in METADATA_FIELDS:
            con.execute(f"UPDATE reports SET {_q(c.field)} = ? WHERE report_id = ?", [value, c.report_id])
            continue
        con.execute("DELETE FROM indicators WHERE report_id = ? AND key = ?", [c.report_id, c.field])
        if value is not None:
            evidence = f"人工更正（{c.who}）：{c.reason}" if c.who else f"人工更正：{c.reason}"
            con.execute(
                """INSERT INTO indicators VALUES (?, ?, ?, ?, 'exact', FALSE, ?, NULL, NULL, 'corrected')""",
                [c.report_id, c.field, float(value), units[c.field], evidence],
            )
    cols = ("report_id", "field", "new_value", "reason", "who", "at", "applied")
    rows = {k: [] for k in cols}
    for c in corrections:
        for k, x in zip(
            cols,
            (c.report_id, c.field, c.new_value, c.reason, c.who, c.at, c.report_id in known),
            strict=True,
        ):
            rows[k].append(x)
    insert_rows(con, "corrections", cols, rows)
    return unmatched


def mark_duplicates(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, int]]:
    """Of reports for the same place and year, the newest file (mtime, then report_id) is current;
    the others point at it. A place is the name with its province, city and county: 鼓楼区 of 南京
    and 鼓楼区 of 福州 are two places. Returns (superseded, current, jurisdiction, year)."""
    con.execute("""
        UPDATE reports SET is_current = d.rn = 1, duplicate_of = CASE WHEN d.rn > 1 THEN d.first END
        FROM (SELECT report_id,
                     row_number() OVER w AS rn, first_value(report_id) OVER w AS first
              FROM reports WHERE jurisdiction IS NOT NULL AND year IS NOT NULL
              WINDOW w AS (PARTITION BY jurisdiction, province, city, county, year
                           ORDER BY file_mtime DESC NULLS LAST, report_id DESC)) d
        WHERE reports.report_id = d.report_id""")
    return con.execute("""SELECT report_id, duplicate_of, jurisdiction, year FROM reports
                          WHERE NOT is_current ORDER BY jurisdiction, year, report_id""").fetchall()


def create_wide_view(con: duckdb.DuckDBPyConnection, defs: Sequence[Indicator]) -> None:
    """report_wide: one row per current report, one column per indicator key (from the table)."""
    for d in defs:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", d.key):
            raise ValueError(f"指标键 {d.key!r} 不能作为列名")
    cols = "".join(f",\n    max(i.value) FILTER (WHERE i.key = '{d.key}') AS {_q(d.key)}" for d in defs)
    con.execute(f"""
        CREATE VIEW report_wide AS
        SELECT r.report_id, r.jurisdiction, r.province, r.city, r.county, r.level, r.year{cols}
        FROM reports r LEFT JOIN indicators i ON i.report_id = r.report_id
        WHERE r.is_current
        GROUP BY r.report_id, r.jurisdiction, r.province, r.city, r.county, r.level, r.year""")


def write_log(con: duckdb.DuckDBPyConnection, rows: Sequence[tuple]) -> None:
    """Append this run's ingest_log rows: LOG_COLUMNS tuples."""
    insert_rows(con, "ingest_log", LOG_COLUMNS, _columns(LOG_COLUMNS, list(rows)))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote(s: str) -> str:
    return s.replace("'", "''")
