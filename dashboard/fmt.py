"""Chinese number formats for the dashboard: 千分位, qualifier marks, 无数据 for missing (never 0)."""

from __future__ import annotations

import math

MISSING = "无数据"
UNRANKED = "未排名"
OTHER_UNIT = "单位不同，未比较"
TOO_FEW = "未排名（数据不足）"
GROUP_TOO_SMALL = "对比组过小"
MIN_SHARE_TEXT = "80%"  # ranking.MIN_SHARE as written in a chart note

# Each metadata field's Chinese name: one table for the previews, corrections, trace and briefing.
META_NAMES = {
    "jurisdiction": "地区名称",
    "province": "省份",
    "city": "城市",
    "county": "所属县级",
    "level": "层级",
    "year": "年度",
    "department": "部门",
    "title": "标题",
}
QUALIFIER_NAMES = {"exact": "确数", "over": "以上（余/多）", "approx": "约数", "under": "不足（近）"}
LEVEL_NAMES = {
    "national": "全国",
    "province": "省级",
    "prefecture": "地市级",
    "county": "县级",
    "township": "乡镇（街道）级",
    "department": "部门",
}
DIRECTION_NAMES = {"higher": "越高越好", "lower": "越低越好", "neutral": "中性（仅排序）"}
SUBTITLE_DIRECTION = {"higher": "越高越好", "lower": "越低越好", "neutral": "中性指标，不分好坏"}


def is_missing(value: object) -> bool:
    """True for None and NaN: a figure the report does not give."""
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def format_number(value: float, kind: str = "count") -> str:
    """千分位 with at most two decimals, trailing zeros dropped; rates get a % sign."""
    v = float(value)
    text = f"{v:,.0f}" if v == int(v) else f"{v:,.2f}".rstrip("0").rstrip(".")
    return text + "%" if kind == "rate" else text


def format_value(value: object, qualifier: str | None = "exact", kind: str = "count") -> str:
    """A figure as a label that keeps its qualifier: `20,000+`, `≈98`, `<98`, `56.95%`; missing is 无数据."""
    if is_missing(value):
        return MISSING
    text = format_number(float(value), kind)  # type: ignore[arg-type]
    if qualifier == "over":
        return text + "+"
    if qualifier == "approx":
        return "≈" + text
    if qualifier == "under":
        return "<" + text
    return text


def unit_label(kind: str, unit: str) -> str:
    """The unit named in a subtitle: rates say 百分比, the others the unit a reader expects."""
    return "百分比（%）" if kind == "rate" else f"单位：{unit}"


def format_change(change: float, kind: str = "count") -> str:
    """A signed change: `+1.2个百分点` for rates, `+12` (千分位) for counts, `0` for none."""
    if is_missing(change):
        return MISSING
    text = format_number(abs(change), "count")
    sign = "+" if change > 0 else "−" if change < 0 else ""
    return f"{sign}{text}个百分点" if kind == "rate" else f"{sign}{text}"


def rank_text(rank: object, of: int) -> str:
    """A competition rank with its group size: `2/7`."""
    return f"{int(rank)}/{of}"  # type: ignore[arg-type]
