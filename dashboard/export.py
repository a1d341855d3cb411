"""CSV (UTF-8 with BOM) and XLSX downloads with formula-injection neutralised, and telling file names."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

import pandas as pd

# Text starting with one of these is taken as a formula by Excel/WPS (full-width forms too, since
# some spreadsheet programs fold them to ASCII).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_BAD_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def neutralise_cell(value: object) -> object:
    """Prefix a `'` to text that a spreadsheet would run as a formula; numbers and other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and column name) neutralised; numeric columns untouched."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a BOM so Excel on Chinese Windows opens it without mojibake."""
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8-sig")


def pieces_to_csv_bytes(pieces: Iterable[pd.DataFrame]) -> bytes:
    """to_csv_bytes of the pieces of one table put together, written a piece at a time (header once),
    so a big table is never whole in memory."""
    out = io.BytesIO()
    for n, piece in enumerate(pieces):
        text = neutralise_frame(piece).to_csv(index=False, header=n == 0)
        out.write(text.encode("utf-8-sig" if n == 0 else "utf-8"))
    return out.getvalue()


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "法治对标") -> bytes:
    """An XLSX workbook (openpyxl) with text neutralised and numbers kept numeric."""
    buf = io.BytesIO()
    name = _BAD_FILENAME.sub("_", sheet)[:31] or "Sheet1"
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        neutralise_frame(frame).to_excel(writer, index=False, sheet_name=name)
    return buf.getvalue()


def export_filename(parts: list[object], ext: str) -> str:
    """`法治对标_行政复议纠错率_2024_浙江省.csv`: non-empty parts joined, unsafe characters dropped."""
    words = ["法治对标"] + [_BAD_FILENAME.sub("", str(p)).strip() for p in parts if p not in (None, "")]
    return "_".join(w for w in words if w) + "." + ext.lstrip(".")


def download_table(values: pd.DataFrame) -> pd.DataFrame:
    """The 数据下载 table: one row per report and indicator, numbers numeric, labels alongside."""
    from dashboard.fmt import LEVEL_NAMES, QUALIFIER_NAMES, format_value

    v = values.sort_values(["year", "place", "sort_order"], ascending=[False, True, True])
    return pd.DataFrame(
        {
            "地区": v["place"],
            "省份": v["province"],
            "城市": v["city"],
            "层级": v["level"].map(lambda x: LEVEL_NAMES.get(x, x)),
            "年度": v["year"].astype("Int64"),
            "类别": v["group_name"],
            "指标": v["name"],
            "指标代码": v["key"],
            "数值": v["value"].astype(float),
            "单位": v["unit"],
            "限定": v["qualifier"].map(lambda q: QUALIFIER_NAMES.get(q, q)),
            "显示值": [
                format_value(x, q, k) for x, q, k in zip(v["value"], v["qualifier"], v["kind"], strict=True)
            ],
            "推算": v["derived"].map({True: "是", False: "否"}),
            "来源": v["origin"].map({"extracted": "自动提取", "corrected": "人工更正"}),
            "依据原文": v["evidence"],
            "报告": v["report_id"],
        }
    ).reset_index(drop=True)


def mentions_table(mentions: pd.DataFrame) -> pd.DataFrame:
    """The 检索 results: every figure whose clause contains the phrase."""
    from dashboard.fmt import QUALIFIER_NAMES

    m = mentions
    return pd.DataFrame(
        {
            "地区": m["place"],
            "省份": m["province"],
            "年度": m["year"].astype("Int64"),
            "数值": m["value"].astype(float),
            "单位": m["unit"],
            "限定": m["qualifier"].map(lambda q: QUALIFIER_NAMES.get(q, q)),
            "原文": m["clause"],
            "报告": m["report_id"],
        }
    ).reset_index(drop=True)
