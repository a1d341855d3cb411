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
province = ui.url_selectbox(c1, "省份", provinces, ui.ALL, key="province")
cities = [ui.ALL] + sorted(ui.filter_reports(reports, province=province)["city"].dropna().unique())
city = ui.url_selectbox(c2, "城市", cities, ui.ALL, key="city")
given = set(reports["level"].dropna().unique())
levels = [ui.ALL] + [lv for lv in LEVEL_NAMES if lv in given]
level = ui.url_selectbox(c3, "层级", levels, ui.ALL, key="level", fmt=lambda x: LEVEL_NAMES.get(x, x))
years = [ui.ALL] + ui.years_of(reports)[::-1]
year = ui.url_selectbox(c4, "年度", years, ui.ALL, key="year")
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
