"""地区档案: one jurisdiction's every indicator with evidence and the peer median, its trend, where each
figure comes from (sentence highlighted in the full text, a derived value's two sentences and its
arithmetic), and corrections to any value or field of the report, with their history."""

import streamlit as st

from dashboard import charts, data, profile, textview, trace, ui
from dashboard.fmt import LEVEL_NAMES, format_value
from dashboard.textview import escape_markdown as esc

st.title("地区档案")
ui.require_data()

reports, defs = data.load_reports(), data.load_defs()
left, right = st.columns([2, 1])
latest = reports.sort_values("year").iloc[-1]
place_id = ui.url_place(left, reports, ui.place_ids(reports)[latest.name])
mine = reports[ui.place_ids(reports) == place_id].sort_values("year", ascending=False)
place = mine["place"].iloc[0]
years = [int(y) for y in mine["year"].dropna()] or [None]
year = ui.url_selectbox(
    right, "年度", years, years[0], key="year", fmt=lambda y: "未识别" if y is None else y
)
report = (mine[mine["year"] == year] if year is not None else mine).iloc[0]
meta = data.load_report_meta(report["report_id"])
where = f"{report['province'] or ''}{report['city'] or ''}"
st.caption(
    f"{esc(where)} · {LEVEL_NAMES.get(report['level'], '未识别层级')} · "
    f"来源文件：{esc(ui.file_name(report['source']))}"
)
if trace.signal_line(meta):
    st.caption(f"报告信息来源：{esc(trace.signal_line(meta))}")

peer_places = ui.filter_reports(reports, year=year, level=report["level"])["place"].unique()
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
    key_names = defs.set_index("key")["name"].to_dict()
    key = ui.url_selectbox(st, "趋势指标", keys, keys[0], key="trend", what="指标", fmt=key_names.get)
    d = defs.set_index("key").loc[key]
    fig = charts.trend_chart(
        profile.trend_rows(history, key),
        title=f"{place} · {d['name']}",
        subtitle=f"{d['unit']} · {min(years)}–{max(years)}年",
    )
    ui.show_chart(fig, f"法治对标_{place}_{d['name']}_趋势")
    ui.table(profile.years_table(defs, history))

st.subheader("数字溯源")
mine_values = values[values["report_id"] == report["report_id"]].drop_duplicates("key")
if mine_values.empty:
    st.info("这份报告没有提取到数字。")
else:
    names = dict(zip(mine_values["key"], mine_values["name"], strict=True))
    key = ui.url_selectbox(
        st, "要溯源的数字", list(names), list(names)[0], key="hl", what="指标", fmt=names.get
    )
    row = mine_values.set_index("key").loc[key]
    shown = format_value(row["value"], row["qualifier"], row["kind"])
    st.markdown(f"**{esc(names[key])}：{esc(shown)}** · 来源文件 {esc(ui.file_name(report['source']))}")
    inputs = trace.inputs_of(key, mine_values) if row["derived"] else []
    figures = []
    if row["origin"] == "corrected":
        st.info(f"这是人工更正的数值：{esc(str(row['evidence'] or ''))}（更正历史见下方）")
    elif inputs:
        st.markdown(f"推算：{esc(trace.arithmetic(key, row, inputs))}")
        for part in inputs:
            st.markdown(f"- {esc(part['name'])}，依据原文：“{esc(str(part['evidence'] or ''))}”")
            if part["start"] == part["start"] and part["start"] is not None:
                figures.append((int(part["start"]), int(part["end"])))
    else:
        st.markdown(f"依据原文：“{esc(str(row['evidence'] or ''))}”")
        if row["start"] == row["start"] and row["start"] is not None:
            figures.append((int(row["start"]), int(row["end"])))
    opened = ui.url_value("text", ["0", "1"], "0", what="全文开关") == "1"
    if figures:
        label = "收起报告全文" if opened else "打开报告全文并标出依据"
        if st.button(label, icon=":material/description:", key="toggle_text"):
            ui.write_param("text", "0" if opened else "1")
            st.rerun()
    if figures and opened:
        text = data.load_report_text(report["report_id"])
        if not text:  # a build swapped the database in between and this report is gone from it
            st.warning("这份报告刚在重新构建中被替换，请刷新页面。")
        else:
            st.caption("黄色底为依据句，橙色底为其中的数字。")
            st.html(textview.evidence_html(text, figures), unsafe_allow_javascript=True)

st.subheader("更正")
ui.corrections_panel(report["report_id"], current=meta, values=mine_values)
