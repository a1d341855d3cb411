"""The one data-access module: DuckDB opened read-only, reopened when the file is swapped.

The build replaces the database with os.replace, so the file's (inode, mtime) identifies a version:
the connection and every cached query are keyed by it. Filter values always travel as parameters."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard.ranking import place_labels
from pipeline import config

DbKey = tuple[str, int, int, int]


def db_key() -> DbKey | None:
    """(path, inode, mtime, size) of the database file, or None when there is none."""
    path: Path = config.db_path()
    try:
        st_ = path.stat()
    except OSError:
        return None
    return (str(path), st_.st_ino, st_.st_mtime_ns, st_.st_size)


@st.cache_resource(show_spinner=False)
def _connections() -> dict:
    """The process-wide open connections, one per database path, with the version each was opened at."""
    return {"lock": threading.Lock(), "live": {}}


def _connection(key: DbKey) -> duckdb.DuckDBPyConnection:
    """The read-only connection for this database version. DuckDB hands back its already-open
    instance for a path it knows, so the old version's connection is closed before the new one opens."""
    registry = _connections()
    with registry["lock"]:
        live = registry["live"].get(key[0])
        if live is not None and live[0] == key:
            return live[1]
        if live is not None:
            live[1].close()
        con = duckdb.connect(key[0], read_only=True)
        registry["live"][key[0]] = (key, con)
        return con


@st.cache_data(max_entries=512, show_spinner=False)
def _query(key: DbKey, sql: str, params: tuple) -> pd.DataFrame:
    try:
        return _run(key, sql, params)
    except duckdb.ConnectionException:  # closed by a concurrent swap: once more, on the newer version
        return _run(db_key() or key, sql, params)


def _run(key: DbKey, sql: str, params: tuple) -> pd.DataFrame:
    cur = _connection(key).cursor()  # a cursor per query: one connection is not thread-safe
    try:
        return cur.execute(sql, list(params)).df()
    finally:
        cur.close()


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run a read-only query with parameters against the current database version (cached)."""
    key = db_key()
    if key is None:
        raise FileNotFoundError(str(config.db_path()))
    return _query(key, sql, tuple(params))


def db_status() -> tuple[str, str]:
    """("ok" | "missing" | "empty" | "broken", a Chinese sentence for the user)."""
    if db_key() is None:
        return "missing", "还没有数据库：请先在“导入报告”页上传报告，或运行 `make db`。"
    try:
        n = int(query("SELECT count(*) AS n FROM current_reports")["n"].iloc[0])
    except (duckdb.Error, OSError) as e:
        return "broken", f"数据库无法读取（{type(e).__name__}），请重新构建：`make db`。"
    if n == 0:
        return "empty", "数据库里还没有报告：请先在“导入报告”页上传报告。"
    return "ok", f"已载入 {n} 份报告"


def load_reports() -> pd.DataFrame:
    """Current reports' metadata (no text), with a `place` label that is unique per place."""
    reports = query(
        "SELECT report_id, source, format, script, jurisdiction, province, city, county, level, year, title,"
        " ingested_at FROM current_reports ORDER BY jurisdiction, year"
    )
    return reports.assign(place=place_labels(reports))


def load_defs() -> pd.DataFrame:
    """The indicator definitions in display order."""
    return query(
        "SELECT key, name, group_key, group_name, kind, unit, direction, definition, sort_order"
        " FROM indicator_defs ORDER BY sort_order"
    )


def load_values(
    year: int | None = None,
    keys: list[str] | None = None,
    report_ids: list[str] | None = None,
    *,
    level: str | None = None,
    province: str | None = None,
    city: str | None = None,
) -> pd.DataFrame:
    """Indicator values of current reports, optionally for one year, some keys, some reports, one
    level / province / city (None leaves a filter open)."""
    where, params = ["TRUE"], []
    for column, want in (("year", year), ("level", level), ("province", province), ("city", city)):
        if want is not None:
            where.append(f"v.{column} = ?")  # the column name is ours; the value is a parameter
            params.append(want)
    if keys is not None:
        where.append("v.key IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(keys))
    if report_ids is not None:
        where.append("v.report_id IN (SELECT unnest(?::VARCHAR[]))")  # a hash semi-join, not a scan per row
        params.append(list(report_ids))
    values = query(
        "SELECT v.report_id, v.jurisdiction, v.province, v.city, v.county, v.level, v.year, v.key, v.name,"
        " v.group_name, v.kind, v.unit, d.direction, v.value, v.unit_as_written, v.qualifier, v.derived,"
        ' v.evidence, v.start, v."end", v.origin, v.sort_order'
        " FROM indicator_values v JOIN indicator_defs d USING (key)"
        f" WHERE {' AND '.join(where)} ORDER BY v.sort_order, v.jurisdiction",
        tuple(params),
    )
    places = load_reports().set_index("report_id")["place"]
    return values.assign(place=values["report_id"].map(places))


def load_download_table(
    year: int | None, keys: list[str] | None, level: str | None, province: str | None, city: str | None
) -> pd.DataFrame:
    """The 数据下载 table for these filters, shaped once per database version and filter choice."""
    return _download_table(db_key(), year, tuple(keys) if keys else None, level, province, city)


@st.cache_data(max_entries=16, show_spinner=False)
def _download_table(key: DbKey | None, year, keys, level, province, city) -> pd.DataFrame:
    from dashboard.export import download_table

    values = load_values(year, list(keys) if keys else None, level=level, province=province, city=city)
    return download_table(values)


def load_coverage(year: int | None = None) -> pd.DataFrame:
    """Current reports × indicators with has_value, plus place and sort order."""
    rows = query(
        "SELECT c.report_id, c.jurisdiction, c.year, c.key, c.name, c.group_name, c.has_value, d.sort_order"
        " FROM coverage c JOIN indicator_defs d USING (key) WHERE (? IS NULL OR c.year = ?)"
        " ORDER BY d.sort_order",
        (year, year),
    )
    places = load_reports().set_index("report_id")["place"]
    return rows.assign(place=rows["report_id"].map(places))


def load_last_build() -> dict | None:
    """The latest build's row (run_id, started_at, finished_at, counts), or None before any build."""
    rows = query("SELECT * FROM builds ORDER BY finished_at DESC LIMIT 1")
    return None if rows.empty else rows.iloc[0].to_dict()


def load_build_problems(run_id: str) -> pd.DataFrame:
    """Files of one build that failed or were set aside as duplicates, with the reason."""
    return query(
        "SELECT source, status, error FROM ingest_log WHERE run_id = ? AND status IN ('failed', 'duplicate')"
        " ORDER BY status, source",
        (run_id,),
    )


def load_report_text(report_id: str) -> str:
    """The normalised text of one report (what the evidence offsets point into)."""
    rows = query("SELECT text FROM reports WHERE report_id = ?", (report_id,))
    return "" if rows.empty else str(rows["text"].iloc[0])


def search_mentions(phrase: str, limit: int = 5000) -> pd.DataFrame:
    """Every figure whose clause contains `phrase` (plain substring, no wildcards), newest year first."""
    rows = query(
        "SELECT m.report_id, r.jurisdiction, r.province, r.city, r.level, r.year, m.value, m.unit, m.qualifier,"
        ' m.clause, m.start, m."end" FROM mentions m JOIN current_reports r USING (report_id)'
        " WHERE contains(m.clause, ?) ORDER BY r.year DESC, r.jurisdiction, m.seq LIMIT ?",
        (phrase, int(limit)),
    )
    places = load_reports().set_index("report_id")["place"]
    return rows.assign(place=rows["report_id"].map(places))
