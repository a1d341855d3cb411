"""Writing the database: schema, bulk inserts from Arrow, rows carried over from the previous
build, corrections, duplicates and the dashboard's views. Pure storage: no parsing here."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, fields
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.build.corrections import METADATA_FIELDS, Correction
from pipeline.parse.indicators import Indicator
from pipeline.parse.records import Metadata, ReportResult

SCHEMA = Path(__file__).with_name("schema.sql")
PREV = "prev"  # the alias of the previous database, attached read-only
LOG_RUNS_KEPT = 20  # earlier builds whose ingest_log rows are carried over (the builds table keeps all)

# The columns of each table come from schema.sql alone; rows are built by field name from the
# records in pipeline/parse/records.py (tests/build/test_schema.py checks the two agree).
FILE_FIELDS = ("sha256", "format", "script", "text")  # the ReportResult fields stored with each report
BUILD_FIELDS = (
    "report_id",
    "source",
    "ingested_at",
    "is_current",
    "duplicate_of",
    "file_mtime",
    "parser_version",
)
LOG_COLUMNS = ("run_id", "report_id", "source", "sha256", "status", "error", "at")
COPIED_TABLES = (
    "reports",
    "extracted_meta",
    "extracted_indicators",
    "mentions",
)  # carried over by copy_previous


class PreviousLocked(Exception):
    """The previous database is open for writing elsewhere (the dashboard must open it read-only)."""


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA.read_text(encoding="utf-8"))


def table_columns(con: duckdb.DuckDBPyConnection, table: str, catalog: str | None = None) -> tuple[str, ...]:
    """A table's columns in schema order (of the attached previous database when catalog is given)."""
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_catalog = "
        "coalesce(?, current_database()) ORDER BY ordinal_position",
        [table, catalog],
    ).fetchall()
    return tuple(c for (c,) in rows)


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
        for table in COPIED_TABLES:
            cols = table_columns(con, table)
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


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Bulk insert rows (dicts keyed by column name) through Arrow, by name: row-by-row INSERTs are far
    too slow at 10,000 reports, and a field the table lacks fails here rather than landing elsewhere."""
    if not rows:
        return
    names = list(rows[0])
    arrow = pa.table({c: [r[c] for r in rows] for c in names})
    con.register("_batch", arrow)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(_q(c) for c in names)}) SELECT * FROM _batch")
    finally:
        con.unregister("_batch")


# Metadata fields stored under another column name, as JSON: which signal decided each field.
JSON_FIELDS = {"sources": "meta_sources"}


def metadata_row(meta: Metadata) -> dict:
    row = {f.name: getattr(meta, f.name) for f in fields(meta)}
    for name, column in JSON_FIELDS.items():
        row[column] = json.dumps(row.pop(name), ensure_ascii=False)
    return row


def report_rows(
    report_id: str, source: str, r: ReportResult, mtime: datetime, at: datetime, parser_version: str
) -> dict[str, list[dict]]:
    """One parsed report as rows of each table, by field name."""
    meta = metadata_row(r.meta)
    report = {
        "report_id": report_id,
        "source": source,
        **{f: getattr(r, f) for f in FILE_FIELDS},
        **meta,
        "ingested_at": at,
        "is_current": True,
        "duplicate_of": None,
        "file_mtime": mtime,
        "parser_version": parser_version,
    }
    values = [{"report_id": report_id, **asdict(v)} for v in r.indicators.values()]
    for v in values:
        v["value"], v["derived"] = float(v["value"]), bool(v["derived"])
    mentions = [{"report_id": report_id, "seq": i, **asdict(m)} for i, m in enumerate(r.mentions)]
    for m in mentions:
        m["value"] = float(m["value"])
    return {
        "reports": [report],
        "extracted_meta": [{"report_id": report_id, **meta}],
        "extracted_indicators": values,
        "mentions": mentions,
    }


class Batch:
    """Parsed reports waiting to be written: rows per table, written in one bulk insert each."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {t: [] for t in COPIED_TABLES}

    @property
    def size(self) -> int:
        return len(self.rows["reports"])

    def add(
        self, report_id: str, source: str, r: ReportResult, mtime: datetime, at: datetime, parser_version: str
    ) -> None:
        for table, rows in report_rows(report_id, source, r, mtime, at, parser_version).items():
            self.rows[table].extend(rows)

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        for table, rows in self.rows.items():
            insert_rows(con, table, rows)
        self.__init__()


def copy_previous(con: duckdb.DuckDBPyConnection, reuse: Iterable[tuple[str, str, str, datetime]]) -> None:
    """Carry unchanged reports over from the previous database without parsing them.

    `reuse` rows: (new report_id, report_id in the previous database, source, file mtime or None to
    keep the previous one). The metadata comes from prev.extracted_meta, so corrections are applied
    afresh on top of it."""
    rows = list(reuse)
    if not rows:
        return
    cols = ("report_id", "from_id", "source", "file_mtime")
    types = (pa.string(), pa.string(), pa.string(), pa.timestamp("us"))  # a None mtime keeps the previous
    con.register(
        "_reuse",
        pa.table(
            {c: pa.array([r[i] for r in rows], t) for i, (c, t) in enumerate(zip(cols, types, strict=True))}
        ),
    )
    fresh = {"report_id": "u.report_id", "source": "u.source", "is_current": "TRUE", "duplicate_of": "NULL",
             "file_mtime": "coalesce(u.file_mtime, p.file_mtime)"}  # fmt: skip
    meta = set(table_columns(con, "extracted_meta")) - {"report_id"}
    try:
        for table in COPIED_TABLES:
            names = table_columns(con, table)
            alias = {"reports": "p", "extracted_meta": "m", "extracted_indicators": "p", "mentions": "p"}[
                table
            ]
            picks = [
                fresh.get(c) if c in fresh else (f"m.{_q(c)}" if c in meta else f"{alias}.{_q(c)}")
                for c in names
            ]
            join_meta = (
                f" JOIN {PREV}.extracted_meta m ON m.report_id = u.from_id" if table == "reports" else ""
            )
            con.execute(f"""
                INSERT INTO {table} ({", ".join(_q(c) for c in names)})
                SELECT {", ".join(picks)} FROM _reuse u
                JOIN {PREV}.{table} {alias} ON {alias}.report_id = u.from_id{join_meta}""")
    finally:
        con.unregister("_reuse")


def write_indicator_defs(con: duckdb.DuckDBPyConnection, defs: Sequence[Indicator]) -> None:
    cols = (
        "key",
        "name",
        "group_key",
        "group_name",
        "kind",
        "unit",
        "unit_groups",
        "direction",
        "definition",
    )
    cols += ("sort_order",)
    rows = {c: [] for c in cols}
    for d in defs:
        groups = "|".join(
            ",".join(g) for g in d.unit_groups
        )  # 户次,家次: units that do not compare with the rest
        for c, x in zip(
            cols,
            (
                d.key,
                d.name,
                d.group_key,
                d.group_name,
                d.kind,
                d.unit,
                groups,
                d.direction,
                d.definition,
                d.order,
            ),
            strict=True,
        ):
            rows[c].append(x)
    insert_rows(
        con, "indicator_defs", [dict(zip(cols, r, strict=True)) for r in zip(*rows.values(), strict=True)]
    )


_CSV_ONLY = ("line", "id", "withdraws")


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
    rows = [{**asdict(c), "applied": c.report_id in known} for c in corrections]
    # line: for messages only; id and withdraws live in the CSV (only effective rows come here)
    insert_rows(con, "corrections", [{k: v for k, v in r.items() if k not in _CSV_ONLY} for r in rows])
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
              WINDOW w AS (PARTITION BY jurisdiction, department, province, city, county, year
                           ORDER BY file_mtime DESC NULLS LAST, report_id DESC)) d
        WHERE reports.report_id = d.report_id""")
    return con.execute("""SELECT report_id, duplicate_of, jurisdiction, year FROM reports
                          WHERE NOT is_current ORDER BY jurisdiction, year, report_id""").fetchall()


def write_log(con: duckdb.DuckDBPyConnection, rows: Sequence[tuple]) -> None:
    """Append this run's ingest_log rows: LOG_COLUMNS tuples."""
    insert_rows(con, "ingest_log", [dict(zip(LOG_COLUMNS, r, strict=True)) for r in rows])


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote(s: str) -> str:
    return s.replace("'", "''")
