"""地区档案: one jurisdiction's every indicator with evidence and the peer median, its trend, and the
full report text with a chosen figure highlighted (escaped: report text never renders as markup)."""

import streamlit as st

from dashboard import charts, data, profile, textview, ui
from dashboard.fmt import LEVEL_NAMES
from dashboard.textview import escape_markdown as esc

st.title("地区档案")
ui.require_data()

reports, defs = data.load_reports(), data.load_defs()
places = sorted(reports["place"].unique())
left, right = st.columns([2, 1])
place = left.selectbox("地区", places, key="place", bind="query-params")
mine = reports[reports["place"] == place].sort_values("year", ascending=False)
years = [int(y) for y in mine["year"].dropna()]
year = right.selectbox("年度", years, key="year", bind="query-params")
report = mine[mine["year"] == year].iloc[0]
st.caption(f"{esc(profile.meta_line(report, LEVEL_NAMES))} · 报告：{esc(report['report_id'])}")

peer_places = ui.filter_reports(
    reports, year=year, level=report["level"], department=report["department"] or None
)["place"].unique()
values = data.load_values(year, places=sorted({*peer_places, place}))  # the peers and this place
table = profile.profile_table(defs, values, place, list(peer_places))
st.subheader(f"{year}年指标（同级对比组：{LEVEL_NAMES.get(report['level'], '')} {len(peer_places)} 个地区）")
st.dataframe(table, hide_index=True, width="stretch", height=36 * (len(table) + 1) + 4)

st.subheader("历年趋势")
if len(years) < 2:
    st.info(f"{esc(place)}目前只有 {years[0]} 年一份报告，至少需要两个年度才能显示趋势图。")
else:
    history = data.load_values(report_ids=mine["report_id"].to_list())
    given = set(history["key"].unique())
    keys = [k for k in defs["key"] if k in given]
    key = st.selectbox(
        "趋势指标", keys, key="trend", bind="query-params", format_func=defs.set_index("key")["name"].get
    )
    d = defs.set_index("key").loc[key]
    fig = charts.trend_chart(
        profile.trend_rows(history, key),
        title=f"{place} · {d['name']}",
        subtitle=f"{d['unit']} · {min(years)}–{max(years)}年",
    )
    ui.show_chart(fig, f"法治对标_{place}_{d['name']}_趋势")
    ui.table(profile.years_table(defs, history))

st.subheader("报告原文")
mine_values = values[values["place"] == place]
located = mine_values[mine_values["start"].notna()]
if located.empty:
    st.info("这份报告没有可定位到原文的数字。")
    st.stop()
names = dict(zip(located["key"], located["name"], strict=True))
key = st.selectbox("要在原文中标出的数字", list(names), format_func=names.get, key="hl", bind="query-params")
if st.button("打开报告全文并标出该数字", icon=":material/description:", key="open_text"):
    st.session_state["open_text_for"] = (report["report_id"], key)
if st.session_state.get("open_text_for") == (report["report_id"], key):
    row = located[located["key"] == key].iloc[0]
    text = data.load_report_text(report["report_id"])
    if not text:  # a build swapped the database in between and this report is gone from it
        st.warning("这份报告刚在重新构建中被替换，请刷新页面。")
        st.stop()
    start, end = int(row["start"]), int(row["end"])
    st.caption(f"{names[key]}：第 {start + 1}–{end} 字（原文中以橙色底标出）")
    st.text(textview.context_window(text, start, end))
    with st.container(height=480, border=True):
        st.markdown(textview.highlight_markdown(text, start, end))
