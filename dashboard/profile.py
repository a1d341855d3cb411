"""Pure shaping for the 地区档案 page: one place's indicators beside the peer median, and its trend."""

from __future__ import annotations

import json

import pandas as pd

from dashboard.fmt import MISSING, OTHER_UNIT, format_value
from dashboard.ranking import _versus, split_units

ORIGINS = {"extracted": "自动提取", "corrected": "人工更正"}
META_LABELS = (
    ("province", "省"),
    ("city", "市"),
    ("county", "县"),
    ("department", "部门"),
    ("level", "层级"),
    ("year", "年度"),
)


def meta_line(report: pd.Series, level_names: dict[str, str]) -> str:
    """`浙江省（据索引号） · 嘉兴市（据索引号） · 县级（据标题） · 2024年（据开头）`: each metadata field
    with the signal on the page that decided it (reports.meta_sources)."""
    raw = report.get("meta_sources")
    sources = json.loads(raw) if isinstance(raw, str) and raw else {}
    parts = []
    for field, _ in META_LABELS:
        value = report.get(field)
        if value is None or pd.isna(value):  # NaN, or pd.NA in a nullable column (an unplaced report)
            continue
        shown = (
            level_names.get(value, value)
            if field == "level"
            else f"{int(value)}年"
            if field == "year"
            else value
        )
        parts.append(f"{shown}（据{sources[field]}）" if field in sources else str(shown))
    return " · ".join(parts)


def profile_table(defs: pd.DataFrame, values: pd.DataFrame, place: str, peers: list[str]) -> pd.DataFrame:
    """Every indicator (无数据 where the report gives none) with its value and unit as written, the
    peer group's median over the places whose unit compares (单位不同，未比较 when this place's does
    not), better or worse than it by direction, evidence and origin."""
    mine = values[values["place"] == place].drop_duplicates("key").set_index("key")
    group = values[values["place"].isin(peers)].drop_duplicates(["place", "key"])
    rows = []
    for _, d in defs.iterrows():
        v = mine.loc[d["key"]] if d["key"] in mine.index else None
        kept, _, _ = split_units(group[group["key"] == d["key"]], d)
        med = float(kept["value"].median()) if len(kept) else None
        comparable = v is None or not len(kept) or _same_class(v["unit_as_written"], kept, d)
        versus = None if v is None or not comparable else _versus(float(v["value"]), med, d["direction"])
        rows.append(
            {
                "类别": d["group_name"],
                "指标": d["name"],
                "数值": MISSING if v is None else format_value(v["value"], v["qualifier"], d["kind"]),
                "单位": "" if v is None else ("%" if d["kind"] == "rate" else str(v["unit_as_written"])),
                "组中位数": MISSING
                if med is None
                else format_value(med, "exact", d["kind"])
                if comparable
                else OTHER_UNIT,
                "与组中位数比": versus or "",
                "组内有数据地区数": int(len(kept)),
                "依据原文": "" if v is None else str(v["evidence"] or ""),
                "来源": ""
                if v is None
                else ORIGINS.get(v["origin"], v["origin"]) + ("（推算）" if v["derived"] else ""),
            }
        )
    return pd.DataFrame(rows)


def _same_class(unit: str, kept: pd.DataFrame, d) -> bool:
    """Whether a written unit compares with the units of the rows kept for the median."""
    probe = pd.DataFrame({"unit_as_written": [unit, *kept["unit_as_written"]]})
    compared, _, _ = split_units(probe, d)
    return len(compared) == len(probe)


def years_table(defs: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Every indicator the place reports in any year × its years (old to new), 无数据 where a year lacks it."""
    years = sorted({int(y) for y in history["year"]})
    cells = history.drop_duplicates(["key", "year"]).set_index(["key", "year"])
    rows = []
    for _, d in defs[defs["key"].isin(set(history["key"]))].iterrows():
        row = {"指标": d["name"]}
        for y in years:
            v = cells.loc[(d["key"], y)] if (d["key"], y) in cells.index else None
            row[f"{y}年"] = MISSING if v is None else format_value(v["value"], v["qualifier"], d["kind"])
        rows.append(row)
    return pd.DataFrame(rows, columns=["指标", *(f"{y}年" for y in years)])


def trend_rows(history: pd.DataFrame, key: str) -> pd.DataFrame:
    """year, value, label of one key across a place's reports."""
    rows = history[history["key"] == key].sort_values("year")
    return pd.DataFrame(
        {
            "year": rows["year"].astype(int).to_list(),
            "value": rows["value"].to_list(),
            "label": [
                format_value(v, q, k)
                for v, q, k in zip(rows["value"], rows["qualifier"], rows["kind"], strict=True)
            ],
        }
    )
