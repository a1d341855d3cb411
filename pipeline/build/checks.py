"""Checks on a built database, like dbt's schema tests: each is a query that returns offending rows.

They run on the new file before it is swapped in, so a failing one keeps the old database; they can
also be run on any built database (tests, the dashboard)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipeline.parse.indicators import load_indicators

QUALIFIERS = ("exact", "over", "approx", "under")
ORIGINS = ("extracted", "corrected")
SHOW_ROWS = 3  # offending rows quoted in a message
# Each text's length once, not once per joined row (that made the mention check take seconds).
TEXT_LENGTHS = "SELECT report_id, length(text) AS n FROM reports"


@dataclass(frozen=True)
class Check:
    """One rule: `sql` selects (report_id, key, detail) for every row that breaks it."""

    name: str
    what: str  # the rule in Chinese, for the message
    sql: str


@dataclass(frozen=True)
class CheckFailure:
    check: Check
    rows: list[tuple]  # the first offending rows (report_id, key, detail)
    total: int

    def message(self) -> str:
        """检查「…」未通过：报告 a.txt 指标 k：detail（另有 n 行）."""
        shown = "；".join(_name_row(r) for r in self.rows)
        more = f"（另有 {self.total - len(self.rows)} 行）" if self.total > len(self.rows) else ""
        return f"检查「{self.check.what}」未通过：{shown}{more}"


def _name_row(row: tuple) -> str:
    report_id, key, detail = row
    where = f"报告 {report_id}" + (f" 指标 {key}" if key else "")
    return f"{where}：{detail}" if detail else where


def _allowed_units_sql() -> str:
    """(key, unit) pairs a stored value may carry: the units its row accepts plus its display unit."""
    pairs = sorted({(i.key, u) for i in load_indicators() for u in (*i.units, i.unit)})
    return ", ".join(f"('{k}', '{u}')" for k, u in pairs)


def build_checks() -> tuple[Check, ...]:
    """The checks, in the order they run."""
    quals = ", ".join(f"'{q}'" for q in QUALIFIERS)
    origins = ", ".join(f"'{o}'" for o in ORIGINS)
    return (
        Check(
            "unique_report_key",
            "每份报告每个指标只有一行",
            """
            SELECT report_id, key, count(*) || ' 行' FROM indicators
            GROUP BY report_id, key HAVING count(*) > 1 ORDER BY 1, 2""",
        ),
        Check(
            "known_key",
            "指标键须在 indicator_defs 中",
            """
            SELECT i.report_id, i.key, '未知指标键' FROM indicators i
            ANTI JOIN indicator_defs d ON d.key = i.key ORDER BY 1, 2""",
        ),
        Check(
            "known_report",
            "指标须属于 reports 中的报告",
            """
            SELECT i.report_id, i.key, '没有这份报告' FROM indicators i
            ANTI JOIN reports r ON r.report_id = i.report_id ORDER BY 1, 2""",
        ),
        Check(
            "allowed_unit",
            "单位须在该指标允许的单位表中",
            f"""
            SELECT i.report_id, i.key, '单位 ' || i.unit FROM indicators i
            ANTI JOIN (VALUES {_allowed_units_sql()}) AS u(key, unit) ON u.key = i.key AND u.unit = i.unit
            ORDER BY 1, 2""",
        ),
        Check(
            "rate_range",
            "比率须在 0–100 之间",
            """
            SELECT i.report_id, i.key, '值 ' || i.value FROM indicators i
            JOIN indicator_defs d ON d.key = i.key
            WHERE d.kind = 'rate' AND NOT (i.value BETWEEN 0 AND 100) ORDER BY 1, 2""",
        ),
        Check(
            "non_negative",
            "数值不能为负或非数",
            """
            SELECT report_id, key, '值 ' || value FROM indicators
            WHERE NOT (value >= 0) OR isnan(value) OR isinf(value) ORDER BY 1, 2""",
        ),
        Check(
            "qualifier",
            f"限定词须为 {'、'.join(QUALIFIERS)} 之一",
            f"""
            SELECT report_id, key, '限定词 ' || qualifier FROM indicators
            WHERE qualifier NOT IN ({quals}) ORDER BY 1, 2""",
        ),
        Check(
            "origin",
            "来源须为 extracted 或 corrected",
            f"""
            SELECT report_id, key, '来源 ' || origin FROM indicators
            WHERE origin NOT IN ({origins}) ORDER BY 1, 2""",
        ),
        Check(
            "offsets_in_text",
            "非推算值的起止位置须落在报告正文之内",
            f"""
            SELECT i.report_id, i.key,
                   'start=' || coalesce(i.start::VARCHAR, '空') || ' end=' || coalesce(i."end"::VARCHAR, '空')
                   || '，正文长 ' || r.n
            FROM indicators i JOIN ({TEXT_LENGTHS}) r ON r.report_id = i.report_id
            WHERE NOT i.derived AND i.origin = 'extracted'
              AND (i.start IS NULL OR i."end" IS NULL
                   OR NOT (0 <= i.start AND i.start < i."end" AND i."end" <= r.n))
            ORDER BY 1, 2""",
        ),
        Check(
            "unique_mention",
            "每份报告的数字提及序号不重复",
            """
            SELECT report_id, NULL, '序号 ' || seq || ' 出现 ' || count(*) || ' 次' FROM mentions
            GROUP BY report_id, seq HAVING count(*) > 1 ORDER BY 1""",
        ),
        Check(
            "mention_offsets_in_text",
            "数字提及的起止位置须落在报告正文之内",
            f"""
            SELECT m.report_id, NULL, '第 ' || m.seq || ' 处 start=' || m.start || ' end=' || m."end"
            FROM mentions m JOIN ({TEXT_LENGTHS}) r ON r.report_id = m.report_id
            WHERE NOT (0 <= m.start AND m.start < m."end" AND m."end" <= r.n)
            ORDER BY 1, m.seq""",
        ),
        Check(
            "one_current",
            "同一地区同一年度只有一份现行报告",
            """
            SELECT string_agg(report_id, '、' ORDER BY report_id), NULL,
                   coalesce(city, province, '') || jurisdiction || ' ' || year || ' 年有 ' || count(*)
                   || ' 份现行报告'
            FROM reports WHERE is_current AND jurisdiction IS NOT NULL AND year IS NOT NULL
            GROUP BY jurisdiction, province, city, county, year HAVING count(*) > 1 ORDER BY 1""",
        ),
    )


def run_checks(con: duckdb.DuckDBPyConnection) -> list[CheckFailure]:
    """Run every check on an open database; an empty list means it passed."""
    failures = []
    for check in build_checks():
        total = con.execute(f"SELECT count(*) FROM ({check.sql})").fetchone()[0]
        if total:
            rows = con.execute(f"{check.sql} LIMIT {SHOW_ROWS}").fetchall()
            failures.append(CheckFailure(check, rows, total))
    return failures
