"""Widgets shared by the pages: the empty-database guard, the peer-group picker, indicator pickers,
charts and downloads. Every selection widget is bound to a URL query parameter (its key), so a copied
link reopens the same view."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd
import streamlit as st

from dashboard import charts, data, export
from dashboard.fmt import LEVEL_NAMES

ALL = "全部"
IMPORT_PAGE = "dashboard/pages/upload.py"


def require_data() -> None:
    """Stop the page with a friendly pointer to 导入报告 when there is nothing to show."""
    state, message = data.db_status()
    if state == "ok":
        return
    st.info(message, icon=":material/inbox:")
    st.page_link(IMPORT_PAGE, label="前往“导入报告”", icon=":material/upload_file:")
    st.stop()


def default_peer(reports: pd.DataFrame) -> tuple[str, int]:
    """The default peer group: county level (the most common otherwise) in its latest year."""
    levels = reports["level"].dropna()
    level = "county" if (levels == "county").any() else (levels.mode().iloc[0] if len(levels) else "")
    years = reports.loc[reports["level"] == level, "year"].dropna()
    year = int(years.max()) if len(years) else int(reports["year"].dropna().max())
    return level, year


def default_places(in_year: pd.DataFrame, level: str, year: int, cap: int = 40) -> tuple[list[str], str]:
    """对比's default places in one year and how to name them: every report at `level`; when that is
    more than `cap` (a chart nobody can read), the province with the most of them."""
    group = filter_reports(in_year, level=level)
    if group.empty:
        return list(dict.fromkeys(in_year["place"])), f"{year}年全部地区"
    name = f"{year}年全部{LEVEL_NAMES.get(level, '')}地区"
    if group["place"].nunique() > cap and group["province"].notna().any():
        province = group["province"].value_counts().index[0]
        group = group[group["province"] == province]
        name = f"{year}年{province}全部{LEVEL_NAMES.get(level, '')}地区"
    return list(dict.fromkeys(group["place"])), name


def default_composite_keys(reports: pd.DataFrame, directional: list[str]) -> list[str]:
    """排名's default composite indicators: those at least two places of the default peer group give.
    Fixed for a database (not for the group on screen), so a link without `cind` always means the same."""
    level, year = default_peer(reports)
    counts = data.places_per_key(year, level=level)
    return [k for k in directional if counts.get(k, 0) >= 2]


def default_indicator(reports: pd.DataFrame, defs: pd.DataFrame) -> list[str]:
    """对比's default indicator: the one most places of the default group give, in the latest year
    (fixed for a database, so a link without `ind` always means the same)."""
    level, year = default_peer(reports)
    peers, _ = default_places(filter_reports(reports, year=year), level, year)
    counts = data.places_per_key(year, places=peers).reindex(defs["key"]).fillna(0)
    return [counts.idxmax()] if counts.max() else []


def years_of(reports: pd.DataFrame) -> list[int]:
    """The distinct years of these reports, old to new."""
    return sorted(reports["year"].dropna().astype(int).unique().tolist())


def filter_reports(
    reports: pd.DataFrame,
    *,
    year: int | None = None,
    level: str | None = None,
    province: str | None = None,
    city: str | None = None,
    department: str | None = None,
) -> pd.DataFrame:
    """Reports in a peer group; None (or 全部) leaves a field open. A department's reports are
    compared with the same department's only (司法局 with 司法局)."""
    keep = pd.Series(True, index=reports.index)
    for col, want in (
        ("year", year),
        ("level", level),
        ("province", province),
        ("city", city),
        ("department", department),
    ):
        if want not in (None, ALL, ""):
            keep &= reports[col] == want
    return reports[keep]


def open_if_all(choice):
    """None (no filter) for the 全部 option, the choice itself otherwise."""
    return None if choice == ALL else choice


def _index(options: list, value: object) -> int:
    return options.index(value) if value in options else 0


def peer_group(reports: pd.DataFrame, *, year_key: str = "year") -> dict:
    """Level / province / city / year pickers; returns the choice, its peers' places and a caption."""
    default_level, default_year = default_peer(reports)
    cols = st.columns(4)
    given = set(reports["level"].dropna().unique())
    levels = [lv for lv in LEVEL_NAMES if lv in given]
    level = cols[0].selectbox(
        "层级",
        levels,
        index=_index(levels, default_level),
        key="level",
        format_func=LEVEL_NAMES.get,
        bind="query-params",
    )
    at_level = filter_reports(reports, level=level)
    provinces = [ALL] + sorted(at_level["province"].dropna().unique())
    province = cols[1].selectbox("省份", provinces, key="province", bind="query-params")
    cities = [ALL] + sorted(filter_reports(at_level, province=province)["city"].dropna().unique())
    city = cols[2].selectbox("城市", cities, key="city", bind="query-params")
    years = years_of(at_level)[::-1] or [default_year]
    year = cols[3].selectbox(
        "年度", years, index=_index(years, default_year), key=year_key, bind="query-params"
    )
    peers = filter_reports(reports, year=year, level=level, province=province, city=city)
    where = "".join(x for x in (province, city) if x not in (ALL, None)) or "全国"
    caption = f"{where}{LEVEL_NAMES.get(level, level)}（{year}年，{peers['place'].nunique()}个地区）"
    return {
        "level": level,
        "province": province,
        "city": city,
        "year": year,
        "peers": list(dict.fromkeys(peers["place"])),
        "report_ids": peers["report_id"].to_list(),
        "caption": caption,
    }


def indicator_picker(
    defs: pd.DataFrame, *, key: str, label: str, default: list[str], only: list[str] | None = None
) -> list[str]:
    """A multiselect of indicators, grouped by 行政复议 … 公共法律服务与学法 (group name in the label)."""
    d = defs if only is None else defs[defs["key"].isin(only)]
    names = dict(zip(d["key"], "【" + d["group_name"] + "】" + d["name"], strict=True))
    return st.multiselect(
        label,
        list(names),
        default=[k for k in default if k in names],
        key=key,
        format_func=names.get,
        bind="query-params",
        placeholder="选择指标",
    )


def table(frame: pd.DataFrame, small: int = 30) -> None:
    """A short table as a static st.table (light, prints well); a long one as a scrollable, sortable grid.
    Missing cells read 无数据."""
    if len(frame) <= small:
        st.table(frame.style.format(precision=3, na_rep="无数据"), hide_index=True)
    else:
        st.dataframe(frame, hide_index=True, width="stretch", placeholder="无数据")


def value_grid(frame: pd.DataFrame) -> None:
    """A sortable grid of figures whose 数值 column shows 千分位 (数据下载, 检索)."""
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={"数值": st.column_config.NumberColumn(format="localized")},
    )


def show_chart(fig, filename: str) -> None:
    """A Plotly chart whose camera button saves a 2× PNG named after what it shows."""
    st.plotly_chart(fig, config=charts.chart_config(filename), width="stretch")


def download_buttons(pieces: Callable[[], Iterable[pd.DataFrame]], parts: list[object], key: str) -> None:
    """CSV (UTF-8 BOM) and XLSX buttons side by side, file names from `parts`; `pieces()` gives the
    table (in one or more pieces) and the file is made only when a button is clicked (an XLSX of
    100,000 rows takes seconds; a CSV is written a piece at a time)."""
    left, right = st.columns(2)
    left.download_button(
        "下载 CSV",
        lambda: export.pieces_to_csv_bytes(pieces()),
        file_name=export.export_filename(parts, "csv"),
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    right.download_button(
        "下载 Excel（XLSX）",
        lambda: export.to_xlsx_bytes(pd.concat(list(pieces()), ignore_index=True)),
        file_name=export.export_filename(parts, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )
