"""排名: per-indicator ranks (`2/7`) and rank charts within a peer group, a composite of standard
scores that does not reward missing figures, and each place's change since its previous report."""

import streamlit as st

from dashboard import charts, data, downloads, export, peers, ranking, ui
from dashboard.briefing.button import peer_button
from dashboard.fmt import DIRECTION_NAMES, GROUP_TOO_SMALL
from dashboard.textview import escape_markdown as esc

st.title("排名")
ui.require_data()

reports, defs = data.load_reports(), data.load_defs()
group = peers.peer_picker(reports)
values = data.load_values(group.year, report_ids=group.all_report_ids)
info = defs.set_index("key")
st.caption(
    f"对比组：{esc(group.label)}。排名为竞争排名（1、2、2、4），写作“名次/参与排名的地区数”；"
    "没有该项数字的地区列为“未排名”；中性指标只排序、不排名。"
)
peer_button(group, key="briefing_rank")

present = set(values.loc[values["place"].isin(group.places), "key"])
group_names = dict(zip(defs["group_key"], defs["group_name"], strict=False))
groups = list(group_names)
st.session_state["group_pick"] = ui.url_value(
    "group", groups, groups[0], what="指标类别", fmt=group_names.get
)
picked = st.segmented_control(
    "指标类别",
    groups,
    key="group_pick",
    format_func=group_names.get,
    on_change=lambda: ui.write_param("group", st.session_state["group_pick"] or groups[0]),
)
name = group_names[picked or groups[0]]
block = [k for k in defs.loc[defs["group_name"] == name, "key"] if k in present]
if not block:
    st.info(f"对比组内没有地区给出“{name}”类数字。")
comparisons = [
    ranking.compare_indicator(
        values, list(group.places), info.loc[k].to_dict() | {"key": k}, group.reference_places
    )
    for k in block
]
if comparisons:  # one rank chart at a time: a chart per indicator made the page slow to settle
    by_key = {c.key: c for c in comparisons}
    shown = ui.url_selectbox(
        st, "排名图", list(by_key), list(by_key)[0], key="rchart", what="指标", fmt=lambda k: by_key[k].name
    )
    c = by_key[shown]
    ui.show_chart(
        charts.comparison_chart(c, group_label=group.label, year=group.year, rank=True),
        export.export_filename([c.name, "排名", group.file_part], "png").removesuffix(".png"),
    )
for c in comparisons:
    st.markdown(f"**{c.name}** · {DIRECTION_NAMES[c.direction]}")
    ui.table(ranking.rank_display(c))
if comparisons:
    downloads.briefing_buttons(
        lambda: {"排名": ranking.rank_download(comparisons, group.label)},
        lambda: export.about_rows(
            what=f"排名：{name}类各指标在对比组内的名次",
            group=group.label,
            filters=f"指标类别：{name}",
            defs=defs,
            keys=block,
            method="竞争排名（1、2、2、4），写作名次/参与排名的地区数；中性指标不排名；单位不同的数值不参与排名",
            sources=sorted(set(values.loc[values["place"].isin(group.places), "report_id"])),
            now=downloads.now_text(),
        ),
        [f"{name}排名", group.file_part],
        key="rank_dl",
    )

st.header("综合得分")
allowed = ranking.composite_keys(defs)
default = [k for k in allowed if k in present]
keys = ui.indicator_picker(
    defs, key="cind", label="参与综合得分的指标（仅比率类、有方向的指标）", only=allowed, default=default
)
weights = {}
if keys:
    cols = st.columns(min(len(keys), 4))
    for n, key in enumerate(keys):
        weights[key] = ui.url_number(
            cols[n % len(cols)], f"{info.loc[key, 'name']} 权重", 0.0, 10.0, 1.0, 0.5, key=f"w_{key}"
        )
with st.expander("计算方法", expanded=False):
    st.markdown(ranking.COMPOSITE_METHOD)
if not keys:
    st.info("请选择至少一项指标。")
else:
    scores = ranking.composite_scores(values, list(group.places), weights, defs)
    if group.size < ranking.MIN_GROUP:
        st.warning(f"{GROUP_TOO_SMALL}：{esc(group.label)}不足 {ranking.MIN_GROUP} 个地区，不计算综合得分。")
    ui.table(scores)
    if scores["综合得分（标准分）"].notna().any():
        fig = charts.composite_chart(
            scores,
            title=f"综合得分（{group.year}年）",
            subtitle=f"对比组：{group.label} · {len(keys)} 项比率指标标准分加权平均",
            weights=ranking.weights_text(weights, defs),
        )
        ui.show_chart(fig, export.export_filename(["综合得分", group.file_part], "png").removesuffix(".png"))
    downloads.briefing_buttons(
        lambda: {"综合得分": scores},
        lambda: export.about_rows(
            what="综合得分：所选比率指标标准分的加权平均及名次",
            group=group.label,
            filters="指标与权重：" + ranking.weights_text(weights, defs),
            defs=defs,
            keys=keys,
            method=ranking.COMPOSITE_METHOD.replace("**", ""),
            sources=sorted(set(values.loc[values["place"].isin(group.places), "report_id"])),
            now=downloads.now_text(),
        ),
        ["综合得分", group.file_part],
        key="composite_dl",
    )

st.header("年度变化")
if group.year is None:
    st.info("请选择一个年度。")
    st.stop()
given = [k for k in defs["key"] if k in present]
if not given:
    st.stop()
key = ui.url_selectbox(st, "指标", given, given[0], key="yoy", fmt=lambda k: info.loc[k, "name"])
d = info.loc[key].to_dict() | {"key": key}
history = data.load_values(None, [key], places=list(group.places))
change = ranking.year_over_year(history, list(group.places), d, group.year)
if change["变化值"].notna().any():
    fig = charts.change_chart(
        change,
        title=f"{d['name']}：较上期变化（{group.year}年）",
        subtitle=f"{DIRECTION_NAMES[d['direction']]} · 对比组：{group.label} · 与各地上一份报告相比",
        direction=d["direction"],
    )
    ui.show_chart(
        fig, export.export_filename([d["name"], "年度变化", group.file_part], "png").removesuffix(".png")
    )
else:
    st.info("对比组内没有地区同时有本年度和更早年度的该项数字。")
ui.table(change.drop(columns=["变化值", "改善幅度"]))
