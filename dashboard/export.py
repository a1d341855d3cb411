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


def to_xlsx_bytes(
    frame: pd.DataFrame | dict[str, pd.DataFrame],
    sheet: str = "法治对标",
    about: list[tuple[str, str]] | None = None,
) -> bytes:
    """An XLSX workbook for a briefing: one sheet per table (a frame, or {sheet name: frame}), then a
    `说明` sheet from `about` (项目, 内容) when given. Header bold and frozen, columns as wide as their
    text (CJK counted double), numbers as numbers, text as text: a cell a spreadsheet would run as a
    formula is stored as a string with Excel's quote-prefix style (no visible apostrophe)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    sheets = frame if isinstance(frame, dict) else {sheet: frame}
    wb = Workbook()
    wb.remove(wb.active)
    if about:
        sheets = {**sheets, "说明": pd.DataFrame(about, columns=["项目", "内容"])}
    for name, table in sheets.items():
        ws = wb.create_sheet(_BAD_FILENAME.sub("_", name)[:31] or "Sheet1")
        ws.append([str(c) for c in table.columns])
        for row in table.itertuples(index=False):
            ws.append([_xlsx_value(v) for v in row])
        for cells in ws.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula
                    if cell.value.startswith(FORMULA_STARTS):
                        cell.quotePrefix = True
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for n, col in enumerate(ws.iter_cols(min_row=1, max_row=min(ws.max_row, 500)), 1):
            width = max((_text_width(c.value) for c in col), default=6)
            letter = ws.cell(row=1, column=n).column_letter
            ws.column_dimensions[letter].width = min(max(width + 2, 6), 60)
            if width > 60:
                for c in col:
                    c.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_value(value: object) -> object:
    """A cell value openpyxl can write: NaN/NA become empty, numpy scalars plain Python."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _text_width(value: object) -> int:
    """Display width of a cell's text: CJK and full-width characters count 2."""
    if value is None:
        return 0
    text = f"{value:,.2f}" if isinstance(value, float) else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


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
            "原文单位": v["unit_as_written"],
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


def wide_table(
    values: pd.DataFrame,
    defs: pd.DataFrame,
    keys: list[str] | None = None,
    reports: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Place × indicator for a briefing: one row per place and year, one column per indicator named
    with its unit (`行政诉讼败诉率（%）`), numbers numeric, `无数据` where the report gives none. A figure
    written in a unit that does not compare with the column's (1,996户次 under 次) is text with its unit.
    `reports` (place, province, city, year) gives the rows, so a place with none of the figures still
    has its row of 无数据."""
    from dashboard.fmt import MISSING, format_number
    from dashboard.ranking import unit_classes

    d = defs if keys is None else defs[defs["key"].isin(keys)]
    d = d[d["key"].isin(set(values["key"]))] if keys is None else d
    rows = values.drop_duplicates(["place", "year", "key"])
    source = rows if reports is None else reports
    index = source[["place", "province", "city", "year"]].drop_duplicates(["place", "year"])
    index = index.sort_values(["year", "place"], ascending=[False, True])
    out = pd.DataFrame(
        {
            "地区": index["place"].to_list(),
            "省份": index["province"].to_list(),
            "城市": index["city"].to_list(),
            "年度": index["year"].astype("Int64").to_list(),
        }
    )
    if out.empty:
        return out
    pos = pd.MultiIndex.from_arrays([out["地区"], out["年度"].astype("float64")])
    for _, r in d.iterrows():
        other = set().union(*unit_classes(r.get("unit_groups")))
        mine = rows[rows["key"] == r["key"]]
        cell = pd.Series(
            mine["value"].astype(object).to_numpy(),
            index=pd.MultiIndex.from_arrays([mine["place"], mine["year"].astype("float64")]),
        )
        odd = mine["unit_as_written"].isin(other).to_numpy()
        if odd.any():  # a figure in a unit that does not compare: text with its unit, never a bare number
            texts = [
                f"{format_number(v)}{u}（单位不同）"
                for v, u in zip(mine["value"], mine["unit_as_written"], strict=True)
            ]
            cell = cell.where(~odd, pd.Series(texts, index=cell.index))
        out[f"{r['name']}（{r['unit']}）"] = cell.reindex(pos).fillna(MISSING).to_list()
    return out


def about_rows(
    *,
    what: str,
    group: str,
    filters: str,
    defs: pd.DataFrame,
    keys: list[str] | None,
    method: str,
    sources: list[str],
    now: str,
) -> list[tuple[str, str]]:
    """The `说明` sheet: what the file holds, the peer group, the filters, the export time, each
    indicator's definition, unit and direction, the method, and the reports it comes from."""
    from dashboard.fmt import DIRECTION_NAMES

    rows = [
        ("内容", what),
        ("对比组", group),
        ("筛选条件", filters),
        ("导出时间", now),
        ("数据来源", "各地法治政府建设年度报告，法治对标整理；每个数值附依据原文，可在“地区档案”中核对"),
        ("方法", method),
        ("缺失", "“无数据”表示报告未给出该数字，不等于 0；单位不同的数值不与其他地区比较"),
    ]
    d = defs if not keys else defs[defs["key"].isin(keys)]
    for _, r in d.iterrows():
        rows.append(
            (
                f"指标：{r['name']}",
                f"{r['definition']}（单位：{r['unit']}；{DIRECTION_NAMES.get(r['direction'], '')}）",
            )
        )
    rows.append(
        ("报告", f"共 {len(sources)} 份：" + "、".join(sources[:200]) + (" 等" if len(sources) > 200 else ""))
    )
    return rows


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for display whose mixed columns (numbers and 无数据 in a wide table) are text with 千分位,
    so the grid shows them as written (the downloads keep numbers numeric)."""
    from dashboard.fmt import format_number

    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = [
                format_number(v) if isinstance(v, (int, float)) and not pd.isna(v) else v for v in out[col]
            ]
    return out
