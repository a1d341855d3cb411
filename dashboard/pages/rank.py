"""排名: per-indicator competition ranks within a peer group, and a weighted composite z-score."""

import streamlit as st

from dashboard import charts, data, ranking, ui
from dashboard.fmt import DIRECTION_NAMES
from dashboard.textview import escape_markdown as esc

st.title("排名")
ui.require_data()

reports, defs = data.load_reports(), data.load_defs()
group = ui.peer_group(reports)
values = data.load_values(
    group["year"],
    level=group["level"],
    province=ui.open_if_all(group["province"]),
    city=ui.open_if_all(group["city"]),
)
st.caption(f"对比组：{esc(group['caption'])}。排名为竞争排名（1、2、2、4）；没有该项数字的地区列为“未排名”。")

given = set(values["key"].unique())
present = [k for k in defs["key"] if k in given]
group_names = dict(zip(defs["group_key"], defs["group_name"], strict=False))
groups = list(group_names)
chosen_group = ui.url_value("group", groups, groups[0], what="指标类别", fmt=group_names.get)
st.session_state["group_pick"] = chosen_group
picked = st.segmented_control(
    "指标类别",
    groups,
    key="group_pick",
    format_func=group_names.get,
    on_change=lambda: ui.write_param("group", st.session_state["group_pick"] or groups[0]),
)
name = group_names[picked or groups[0]]
block = defs[(defs["group_name"] == name) & defs["key"].isin(present)]
if block.empty:
    st.info(f"对比组内没有地区给出“{name}”类数字。")
for _, d in block.iterrows():
    st.markdown(f"**{d['name']}** · {DIRECTION_NAMES[d['direction']]}")
    ui.table(
        ranking.rank_indicator(values[values["key"] == d["key"]], group["peers"], d["direction"], d["kind"])
    )

st.header("综合得分")
directional = defs.loc[defs["direction"] != "neutral", "key"].to_list()
keys = ui.indicator_picker(
    defs,
    key="cind",
    label="参与综合得分的指标（中性指标不参与）",
    only=directional,
    default=ui.default_composite_keys(reports, directional),
)
names = defs.set_index("key")["name"]
weights = {}
if keys:
    cols = st.columns(min(len(keys), 4))
    for n, key in enumerate(keys):
        weights[key] = ui.url_number(
            cols[n % len(cols)], f"{names[key]} 权重", 0.0, 10.0, 1.0, 0.5, key=f"w_{key}"
        )
need = ui.url_number(st, "至少需要的指标数（不足者不排名）", 1, len(directional), 2, 1, key="need")
with st.expander("计算方法", expanded=False):
    st.markdown(ranking.COMPOSITE_METHOD)
if not keys:
    st.info("请选择至少一项指标。")
    st.stop()
scores = ranking.composite_scores(values, group["peers"], weights, int(need))
ui.table(scores.rename(columns=names.to_dict()))
ranked = scores[scores["排名"] != "未排名"].rename(columns={"地区": "place", "综合得分": "score"})
fig = charts.composite_chart(
    ranked,
    title=f"综合得分（{group['year']}年）",
    subtitle=f"{group['caption']} · {len(keys)} 项指标标准分加权平均",
    unranked=scores.loc[scores["排名"] == "未排名", "地区"].to_list(),
)
ui.show_chart(fig, f"法治对标_综合得分_{group['year']}_{group['caption']}")
