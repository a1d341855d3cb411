"""Everything a briefing shows, read from the database in a handful of parameterised queries.

`Query` is any (sql, params) → DataFrame callable: the CLI passes a read-only DuckDB connection,
the app passes dashboard.data.query (the same swap-aware connection the pages use)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

import duckdb
import pandas as pd

from dashboard.briefing.group import BriefingError, GroupSpec
from dashboard.fmt import META_NAMES

Query = Callable[[str, tuple], pd.DataFrame]

REPORT_COLUMNS = (
    "r.report_id, r.source, r.title, r.jurisdiction, r.province, r.city, r.county, r.level, r.year, p.place"
)
VALUE_COLUMNS = (
    "v.report_id, v.year, v.key, v.value, v.unit_as_written, v.qualifier, v.derived, v.origin, v.evidence,"
    " p.place"
)
DEF_COLUMNS = "key, name, group_key, group_name, kind, unit, unit_groups, direction, definition, sort_order"


@dataclass(frozen=True)
class Gathered:
    """The group's reports and figures: `values` this year, `previous` the year before for the same
    places, `references` the national / province / city figures of that year (rates only are drawn)."""

    spec: GroupSpec
    defs: pd.DataFrame  # chosen indicators, display order
    reports: pd.DataFrame  # the group's reports this year, one per place
    before: pd.DataFrame  # the same places' reports of the year before
    absent: pd.DataFrame  # places of the group with a report in another year only: place, years
    values: pd.DataFrame
    previous: pd.DataFrame
    references: (
        pd.DataFrame
    )  # key, value, qualifier, label (全国 / 河南省 / 南阳市), report_id, title, source
    corrections: pd.DataFrame

    @property
    def peers(self) -> list[str]:
        return self.reports["place"].to_list()


def connect(db: str) -> Query:
    """A read-only connection to the database file, as a Query; BriefingError when it cannot be read."""
    if not os.path.isfile(db):
        raise BriefingError(
            f"找不到数据库文件：{PurePath(db).name or db}（请先运行 make db，或用 --db 指定）"
        )
    try:
        con = duckdb.connect(db, read_only=True)
    except duckdb.Error as e:
        raise BriefingError(f"数据库无法打开（{type(e).__name__}），请重新构建：make db") from e
    return lambda sql, params=(): con.execute(sql, list(params)).df()


def _has_department(q: Query) -> bool:
    cols = q("SELECT column_name FROM information_schema.columns WHERE table_name = 'reports'", ())
    return "department" in set(cols["column_name"])


def _group_where(q: Query, spec: GroupSpec) -> tuple[str, list]:
    """WHERE over current_reports r / places p for the group, any year; the values are parameters."""
    # A hand-picked set (对比) is its places, whatever their level; otherwise the level bounds the group.
    where, params = (["TRUE"], []) if spec.places is not None else (["r.level = ?"], [spec.level])
    for column, want in (("province", spec.province), ("city", spec.city)):
        if want:
            where.append(f"r.{column} = ?")
            params.append(want)
    if spec.department:
        if not _has_department(q):
            raise BriefingError(
                "数据库中没有部门字段（department）：请用新版流水线重建数据库后再按部门生成简报"
            )
        where.append("r.department = ?")
        params.append(spec.department)
    if spec.places is not None:
        where.append("p.place IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(spec.places))
    return " AND ".join(where), params


def load_defs(q: Query, keys: tuple[str, ...] | None) -> pd.DataFrame:
    """The indicator definitions in display order (all of them, or `keys`; unknown keys are an error)."""
    defs = q(f"SELECT {DEF_COLUMNS} FROM indicator_defs ORDER BY sort_order, key", ())
    if keys is None:
        return defs
    unknown = [k for k in keys if k not in set(defs["key"])]
    if unknown:
        raise BriefingError(f"未知的指标键：{'、'.join(unknown)}（可用的键见 README 的指标表）")
    return defs[defs["key"].isin(keys)].reset_index(drop=True)


def load_group_reports(q: Query, spec: GroupSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The group's reports in the year and the year before (for 与上年比较), ordered by place."""
    where, params = _group_where(q, spec)
    rows = q(
        f"SELECT {REPORT_COLUMNS} FROM current_reports r JOIN places p USING (report_id)"
        f" WHERE {where} AND r.year IN (?, ?) ORDER BY p.place, r.report_id",
        (*params, spec.year, spec.year - 1),
    )
    this = rows[rows["year"] == spec.year].drop_duplicates("place").reset_index(drop=True)
    before = rows[(rows["year"] == spec.year - 1) & rows["place"].isin(set(this["place"]))]
    return this, before.drop_duplicates("place").reset_index(drop=True)


def load_absent(q: Query, spec: GroupSpec, present: list[str]) -> pd.DataFrame:
    """Places of the group with a report loaded for another year but none for this one."""
    where, params = _group_where(q, spec)
    rows = q(
        f"SELECT p.place, list(DISTINCT r.year ORDER BY r.year) AS years FROM current_reports r"
        f" JOIN places p USING (report_id) WHERE {where} AND r.year IS NOT NULL AND r.year <> ?"
        " AND p.place NOT IN (SELECT unnest(?::VARCHAR[])) GROUP BY p.place ORDER BY p.place",
        (*params, spec.year, list(present)),
    )
    return rows


def load_values(q: Query, report_ids: list[str], keys: list[str]) -> pd.DataFrame:
    """The figures of these reports for these keys, one row per (report, key)."""
    return q(
        f"SELECT {VALUE_COLUMNS} FROM indicator_values v JOIN places p USING (report_id)"
        " WHERE v.report_id IN (SELECT unnest(?::VARCHAR[])) AND v.key IN (SELECT unnest(?::VARCHAR[]))"
        " ORDER BY v.sort_order, p.place",
        (list(report_ids), list(keys)),
    )


def load_references(q: Query, spec: GroupSpec, keys: list[str]) -> pd.DataFrame:
    """The year's national figures, and the province's / city's own when the group sits inside one."""
    wanted = [("national", None, None, "全国")]
    if spec.province and spec.level in ("prefecture", "county", "township", "department"):
        wanted.append(("province", spec.province, None, spec.province))
    if spec.city and spec.level in ("county", "township", "department"):
        wanted.append(("prefecture", None, spec.city, spec.city))
    frames = []
    for level, province, city, label in wanted:
        rows = q(
            "SELECT v.report_id, v.key, v.value, v.qualifier, r.title, r.source FROM indicator_values v"
            " JOIN current_reports r USING (report_id) WHERE r.level = ? AND r.year = ?"
            " AND (? IS NULL OR r.province = ?) AND (? IS NULL OR r.city = ?)"
            " AND v.key IN (SELECT unnest(?::VARCHAR[])) ORDER BY v.report_id",
            (level, spec.year, province, province, city, city, list(keys)),
        )
        frames.append(rows.drop_duplicates("key").assign(label=label))
    return pd.concat(frames, ignore_index=True)


def load_corrections(q: Query, report_ids: list[str], defs: pd.DataFrame) -> pd.DataFrame:
    """Corrections applied to these reports, with the value the parser had read (when it had one)."""
    rows = q(
        'SELECT c.report_id, c.field, c.new_value, c.reason, c."at", e.value AS old_value FROM corrections c'
        " LEFT JOIN extracted_indicators e ON e.report_id = c.report_id AND e.key = c.field"
        ' WHERE c.applied AND c.report_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY c.report_id, c."at"',
        (list(report_ids),),
    )
    names = {**META_NAMES, **dict(zip(defs["key"], defs["name"], strict=True))}
    return rows.assign(field_name=[names.get(f, f) for f in rows["field"]])


def gather(q: Query, spec: GroupSpec) -> Gathered:
    """Read the group; BriefingError (Chinese) when the group has no report in the year."""
    spec.check()
    defs = load_defs(q, spec.keys)
    reports, before = load_group_reports(q, spec)
    if reports.empty:
        raise BriefingError(f"对比组为空：数据库中没有{spec.year}年度{spec.name()}的报告，无法生成简报")
    values = load_values(q, reports["report_id"].to_list(), defs["key"].to_list())
    if spec.keys is None:  # every indicator that someone in the group gives
        defs = defs[defs["key"].isin(set(values["key"]))].reset_index(drop=True)
    keys = defs["key"].to_list()
    return Gathered(
        spec=spec,
        defs=defs,
        reports=reports,
        before=before,
        absent=load_absent(q, spec, reports["place"].to_list()),
        values=values,
        previous=load_values(q, before["report_id"].to_list(), keys) if len(before) else values.iloc[:0],
        references=load_references(q, spec, keys),
        corrections=load_corrections(q, reports["report_id"].to_list(), defs),
    )


def file_name(source: object) -> str:
    """A report's file name without any folder: a briefing never shows a server path."""
    return PurePath(str(source).replace("\\", "/")).name
