"""数据下载: filter the indicator values and download them as CSV (UTF-8 BOM) or XLSX."""

import streamlit as st

from dashboard import data, ui
from dashboard.fmt import LEVEL_NAMES

st.title("数据下载")
ui.require_data()
SHOWN = 2000  # rows drawn in the page; the downloads hold every row

reports, defs = data.load_reports(), data.load_defs()
c1, c2, c3, c4 = st.columns(4)
provinces = [ui.ALL] + sorted(reports["province"].dropna().unique())
province = c1.selectbox("省份", provinces, key="province", bind="query-params")
cities = [ui.ALL] + sorted(ui.filter_reports(reports, province=province)["city"].dropna().unique())
city = c2.selectbox("城市", cities, key="city", bind="query-params")
given = set(reports["level"].dropna().unique())
levels = [ui.ALL] + [lv for lv in LEVEL_NAMES if lv in given]
level = c3.selectbox(
    "层级", levels, key="level", bind="query-params", format_func=lambda x: LEVEL_NAMES.get(x, x)
)
years = [ui.ALL] + ui.years_of(reports)[::-1]
year = c4.selectbox("年度", years, key="year", bind="query-params")
keys = ui.indicator_picker(defs, key="ind", label="指标（不选即全部）", default=[])

chosen = (
    ui.open_if_all(year),
    keys or None,
    ui.open_if_all(level),
    ui.open_if_all(province),
    ui.open_if_all(city),
)
table, rows, places = data.load_download_preview(*chosen, limit=SHOWN)
shown = f"，表中显示前 {SHOWN:,} 行，下载包含全部" if rows > SHOWN else ""
st.caption(f"共 {rows:,} 行（{places:,} 个地区）{shown}。没有数字的指标不出现在表中：缺失不是 0。")
ui.value_grid(table)

names = defs.set_index("key")["name"]
what = (
    "全部指标" if not keys else "、".join(names[k] for k in keys) if len(keys) <= 2 else f"{len(keys)}项指标"
)
parts = [
    what,
    "全部年度" if year == ui.ALL else year,
    *(x for x in (province, city) if x != ui.ALL),
    LEVEL_NAMES.get(level) if level != ui.ALL else None,
]
ui.download_buttons(lambda: data.iter_download_table(*chosen), parts, key="dl")
