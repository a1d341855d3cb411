"""The one data-access module: DuckDB opened read-only, reopened when the file is swapped.

The build replaces the database with os.replace, so the file's (inode, mtime) identifies a version:
the connection and every cached query are keyed by it. Filter values always travel as parameters."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard import importing
from dashboard.fmt import MISSING

DbKey = tuple[str, int, int, int]


def db_key() -> DbKey | None:
    """(path, inode, mtime, size) of the database file, or None when there is none."""
    path: Path = importing.db_path()
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
    return _fetch(key, sql, params)


def _fetch(key: DbKey, sql: str, params: tuple) -> pd.DataFrame:
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


def query(sql: str, params: tuple = (), *, cache: bool = True) -> pd.DataFrame:
    """Run a read-only query with parameters against the current database version (cached, unless
    `cache` is False: a result too big to keep, or one asked for outside a script run)."""
    key = db_key()
    if key is None:
        raise FileNotFoundError(str(importing.db_path()))
    return (_query if cache else _fetch)(key, sql, tuple(params))


def db_status() -> tuple[str, str]:
    """("ok" | "missing" | "empty" | "broken", a Chinese sentence for the user). A truncated file
    opens and counts its rows; it is found by its length, shorter than the blocks its header counts."""
    key = db_key()
    if key is None:
        return "missing", "还没有数据库：请先在“导入报告”页上传报告，或运行 `make db`。"
    try:
        n = int(query("SELECT count(*) AS n FROM current_reports")["n"].iloc[0])
        size = query("PRAGMA database_size").iloc[0]
        if importing.db_truncated(key[3], int(size["block_size"]), int(size["total_blocks"])):
            return "broken", importing.damaged_db_advice(Path(key[0]))
    except (duckdb.Error, OSError):
        return "broken", importing.damaged_db_advice(Path(key[0]))
    if n == 0:
        return "empty", "数据库里还没有报告：请先在“导入报告”页上传报告。"
    return "ok", f"已载入 {n} 份报告"


def load_reports() -> pd.DataFrame:
    """Current reports' metadata (no text), with a `place` label that is unique per place."""
    return query(
        "SELECT r.report_id, r.source, r.format, r.script, r.jurisdiction, r.province, r.city,"
        " r.county, r.level, r.department, r.meta_sources, r.year, r.title, r.ingested_at, p.place"
        " FROM current_reports r JOIN places p USING (report_id) ORDER BY r.jurisdiction, r.year, r.report_id"
    )


def load_defs() -> pd.DataFrame:
    """The indicator definitions in display order."""
    return query(
        "SELECT key, name, group_key, group_name, kind, unit, unit_groups, direction, definition, sort_order"
        " FROM indicator_defs ORDER BY sort_order, key"
    )


def _value_filters(
    year: int | None,
    keys: list[str] | None,
    report_ids: list[str] | None,
    level: str | None,
    province: str | None,
    city: str | None,
    places: list[str] | None,
) -> tuple[str, list]:
    """The WHERE clause over indicator_values v joined to places p, and its parameters."""
    where, params = ["TRUE"], []
    for column, want in (("year", year), ("level", level), ("province", province), ("city", city)):
        if want is not None:
            where.append(f"v.{column} = ?")  # the column name is ours; the value is a parameter
            params.append(want)
    for column, want in (("v.key", keys), ("v.report_id", report_ids), ("p.place", places)):
        if want is not None:
            where.append(f"{column} IN (SELECT unnest(?::VARCHAR[]))")  # a hash semi-join, not a scan per row
            params.append(list(want))
    return " AND ".join(where), params


VALUE_COLUMNS = (
    "v.report_id, v.jurisdiction, v.province, v.city, v.county, v.level, v.year, v.key, v.name,"
    " v.group_name, v.kind, v.unit, d.direction, v.value, v.unit_as_written, v.qualifier, v.derived,"
    ' v.evidence, v.start, v."end", v.origin, v.sort_order, p.place'
)
VALUES_FROM = "indicator_values v JOIN indicator_defs d USING (key) JOIN places p USING (report_id)"


def load_values(
    year: int | None = None,
    keys: list[str] | None = None,
    report_ids: list[str] | None = None,
    *,
    level: str | None = None,
    province: str | None = None,
    city: str | None = None,
    places: list[str] | None = None,
) -> pd.DataFrame:
    """Indicator values of current reports, optionally for one year, some keys, some reports, one
    level / province / city, some places (None leaves a filter open)."""
    where, params = _value_filters(year, keys, report_ids, level, province, city, places)
    return query(
        f"SELECT {VALUE_COLUMNS} FROM {VALUES_FROM} WHERE {where} ORDER BY v.sort_order, v.jurisdiction",
        tuple(params),
    )


def places_per_key(
    year: int | None, *, level: str | None = None, places: list[str] | None = None
) -> pd.Series:
    """How many places give each key (key → count; keys nobody gives are absent)."""
    where, params = _value_filters(year, None, None, level, None, None, places)
    counts = query(
        f"SELECT v.key, count(DISTINCT p.place) AS n FROM {VALUES_FROM} WHERE {where} GROUP BY v.key",
        tuple(params),
    )
    return counts.set_index("key")["n"]


DOWNLOAD_ORDER = "ORDER BY v.year DESC NULLS LAST, p.place, v.sort_order, v.report_id"  # the table's order


def load_download_preview(
    year: int | None,
    keys: list[str] | None,
    level: str | None,
    province: str | None,
    city: str | None,
    limit: int,
) -> tuple[pd.DataFrame, int, int]:
    """The first `limit` rows of the 数据下载 table for these filters, and the whole table's number of
    rows and of places: the page shows a preview, the downloads make the whole table on a click."""
    from dashboard.export import download_table

    where, params = _value_filters(year, keys, None, level, province, city, None)
    head = query(
        f"SELECT {VALUE_COLUMNS} FROM {VALUES_FROM} WHERE {where} {DOWNLOAD_ORDER} LIMIT ?",
        (*params, int(limit)),
    )
    size = query(
        f"SELECT count(*) AS n, count(DISTINCT p.place) AS places FROM {VALUES_FROM} WHERE {where}",
        tuple(params),
    )
    return download_table(head), int(size["n"].iloc[0]), int(size["places"].iloc[0])


def iter_download_table(
    year: int | None,
    keys: list[str] | None,
    level: str | None,
    province: str | None,
    city: str | None,
    rows: int = 20_000,
) -> Iterator[pd.DataFrame]:
    """The whole 数据下载 table for these filters, `rows` rows at a time in the table's order (at least
    one piece, maybe empty). Made on a download click, outside the script run, and never cached: at
    national scale the whole table takes half a gigabyte in pandas, a piece a few megabytes. A build
    that swaps the database in the middle ends the download with an error (click again)."""
    from dashboard.export import download_table

    where, params = _value_filters(year, keys, None, level, province, city, None)
    sql = f"SELECT {VALUE_COLUMNS} FROM {VALUES_FROM} WHERE {where} {DOWNLOAD_ORDER}"
    key = db_key()
    if key is None:
        raise FileNotFoundError(str(importing.db_path()))
    cur = _connection(key).cursor()
    try:
        try:
            result = cur.execute(sql, params)
        except duckdb.ConnectionException:  # closed by a concurrent swap: once more, on the newer version
            cur = _connection(db_key() or key).cursor()
            result = cur.execute(sql, params)
        piece = result.fetch_df_chunk(max(1, rows // 2048))  # DuckDB hands out vectors of 2,048 rows
        yield download_table(piece)
        while not (piece := result.fetch_df_chunk(max(1, rows // 2048))).empty:
            yield download_table(piece)
    finally:
        cur.close()


def load_coverage_matrix(year: int | None = None) -> pd.DataFrame:
    """The 总览 coverage matrix, pivoted in DuckDB (reports × indicators is hundreds of thousands of
    rows at national scale): 地区, 年度, then 有 / 无数据 per indicator name.
    A report has a value for a key when it has an indicators row for it, as in the coverage view;
    grouping the indicators rows by report takes half the time of pivoting the view's cross join."""
    defs = load_defs()
    cells = ", ".join(
        f"CASE WHEN bool_or(i.key = ?) THEN '有' ELSE '{MISSING}' END AS c{n}" for n in range(len(defs))
    )
    wide = query(
        f"SELECT p.place, r.year, {cells} FROM current_reports r JOIN places p USING (report_id)"
        " LEFT JOIN indicators i USING (report_id) WHERE (? IS NULL OR r.year = ?)"
        " GROUP BY p.place, r.year ORDER BY p.place, r.year NULLS LAST",
        (*defs["key"], year, year),
    )
    if wide.empty:
        return pd.DataFrame()
    wide.columns = ["地区", "年度", *defs["name"]]
    return wide


def load_coverage_summary(year: int | None = None) -> pd.DataFrame:
    """Per indicator, how many reports give it, of how many, as a share (counted in DuckDB from the
    indicators rows, as load_coverage_matrix)."""
    out = query(
        'SELECT d.group_name AS "类别", d.name AS "指标", count(i.report_id) AS "有数据的报告",'
        ' any_value(t.n) AS "报告总数" FROM indicator_defs d'
        " CROSS JOIN (SELECT count(*) AS n FROM current_reports WHERE (? IS NULL OR year = ?)) t"
        " LEFT JOIN (SELECT i.key, i.report_id FROM indicators i JOIN current_reports r USING (report_id)"
        " WHERE (? IS NULL OR r.year = ?)) i USING (key)"
        " GROUP BY d.sort_order, d.group_name, d.name HAVING any_value(t.n) > 0"
        " ORDER BY d.sort_order, d.group_name, d.name",
        (year, year, year, year),
    )
    shares = [
        f"{s / c:.0%}" if c else MISSING for s, c in zip(out["有数据的报告"], out["报告总数"], strict=True)
    ]
    return out.assign(覆盖率=shares)


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
    return query(
        "SELECT m.report_id, r.jurisdiction, r.province, r.city, r.level, r.year, m.value, m.unit,"
        ' m.qualifier, m.clause, m.start, m."end", p.place FROM mentions m JOIN current_reports r USING (report_id)'
        " JOIN places p USING (report_id)"
        " WHERE contains(m.clause, ?) ORDER BY r.year DESC, r.jurisdiction, m.seq LIMIT ?",
        (phrase, int(limit)),
    )


def load_report_meta(report_id: str) -> dict:
    """Every column of one report but its text (signal columns included when the build has them)."""
    rows = query("SELECT * EXCLUDE (text) FROM reports WHERE report_id = ?", (report_id,))
    return {} if rows.empty else rows.iloc[0].to_dict()
