"""地区档案: one jurisdiction's every indicator with evidence and the median of its peer group, its
trend, where each figure comes from (sentence highlighted in the full text, a derived value's two
sentences and its arithmetic), and corrections to any value or field of the report, with history.
Report text is escaped: it never renders as markup."""

import streamlit as st

from dashboard import charts, data, peers, profile, textview, trace, ui
from dashboard.fmt import LEVEL_NAMES, format_value
from dashboard.textview import escape_markdown as esc

st.title("地区档案")
ui.require_data()

reports, defs = data.load_reports(), data.load_defs()
own_places = reports[reports["level"] != "national"]  # the national report is a reference, not a place
latest = own_places.sort_values("year", na_position="first").iloc[-1]
GROUP_KEYS = ("level", "dept", "province", "city", "county", "year", "text")


def _place_changed() -> None:
    """Another place: its own peer group (the old one's filters leave the link), text closed."""
    for k in GROUP_KEYS:
        st.query_params.pop(k, None)


place_id = ui.url_place(st, own_places, ui.place_ids(own_places)[latest.name], then=_place_changed)
mine = own_places[ui.place_ids(own_places) == place_id].sort_values("year", ascending=False)
place = mine["place"].iloc[0]
years = [int(y) for y in mine["year"].dropna()]
own = mine.iloc[0]
placed = own["level"] in peers.PEER_LEVELS and bool(years)

if placed:
    near = {"township": "county", "county": "city", "prefecture": "province", "department": "city"}.get(
        own["level"]
    )
    defaults = {"level": own["level"], "year": years[0], "province": own["province"], "city": None}
    defaults |= {near: own[near], "department": own.get("department")} if near else {}
    st.markdown("**对比组**（默认为同一上级内的同级地区，可改）")
    group = peers.peer_picker(reports, defaults=defaults)
    year = group.year
    found = mine[mine["year"] == year]
    if found.empty:
        st.info(
            f"{esc(place)}没有 {year} 年的报告（已有：{'、'.join(map(str, years))} 年），请在对比组中换一个年度。"
        )
        st.stop()
    report = found.iloc[0]
    peer_ids = [*group.report_ids, report["report_id"]]
else:  # 暂不归类: its place, level or year is still to be given (below, in 更正)
    st.info("这份报告尚未归类（地区、层级或年度未识别），请在下方“更正”中补上；归类后即可与同级地区对比。")
    group, report = None, own
    peer_ids = [report["report_id"]]

meta = data.load_report_meta(report["report_id"])
st.caption(f"{esc(profile.meta_line(report, LEVEL_NAMES))} · 来源文件：{esc(ui.file_name(report['source']))}")

values = data.load_values(report_ids=peer_ids)  # the peers and this place, in the report's year
mine_values = values[values["report_id"] == report["report_id"]].drop_duplicates("key")
if group is not None:
    table = profile.profile_table(defs, values, place, list(group.places))
    st.subheader(f"{year}年指标（对比组：{group.label}）")
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
