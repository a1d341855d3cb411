"""对比: chosen indicators across a peer group (or chosen places in it) in one year: per indicator a
chart with the peer median, the national and provincial figures, and a table; downloads of the lot.
The link holds the group, the places (by place id, the whole group's too) and the indicator keys, so
it shows the same places after new reports arrive."""

import streamlit as st

from dashboard import charts, data, downloads, export, peers, ranking, ui
from dashboard.briefing.button import peer_button
from dashboard.textview import escape_markdown as esc

st.title("对比")
ui.require_data()

reports, defs = data.load_reports(), data.load_defs()


def _group_changed() -> None:
    """Another peer group: the compared places follow it, unless some were picked by hand."""
    if not st.session_state.get("places_pick"):
        st.query_params.pop("places", None)


full = peers.peer_picker(reports, on_change=_group_changed)
# The link names the compared places by place id, the whole group's too, so it shows the same places
# after new reports join the group; the widget stays empty while they are the whole group.
members = reports[reports["report_id"].isin(full.report_ids)]
id_of = dict(zip(members["place"], ui.place_ids(members), strict=True))
label_of = {i: p for p, i in id_of.items()}
every = [id_of[p] for p in full.places]
wanted = ui.url_values("places", every, every, what="地区", fmt=label_of.get)
whole = set(wanted) == set(every)
st.session_state["places_pick"] = [] if whole else wanted
st.multiselect(
    "地区（不选即整个对比组）",
    every,
    key="places_pick",
    format_func=label_of.get,
    on_change=lambda: ui.write_param("places", st.session_state["places_pick"] or every),
    placeholder=full.label,
)
group = full if whole else full.subset([label_of[i] for i in wanted])
keys = ui.indicator_picker(
    defs, key="ind", label="指标（可多选）", default=ui.default_indicator(reports, defs)
)
if not keys or not group.places:
    st.info("请至少选择一项指标，并确认对比组内有地区。")
    st.stop()
values = data.load_values(group.year, keys, report_ids=group.all_report_ids)
info = defs.set_index("key")
comparisons = [
    ranking.compare_indicator(
        values, list(group.places), info.loc[k].to_dict() | {"key": k}, group.reference_places
    )
    for k in keys
]
st.caption(f"对比组：{esc(group.label)}。参考线：组中位数；全国、本省数字在已载入其报告时画出。")
peer_button(group, keys, key="briefing_compare")
for c in comparisons:
    st.subheader(c.name)
    ui.show_chart(
        charts.comparison_chart(c, group_label=group.label, year=group.year),
        export.export_filename([c.name, group.file_part], "png").removesuffix(".png"),
    )
    ui.table(ranking.rank_display(c))
    st.caption(esc(info.loc[c.key, "definition"]))

peer_values = values[values["place"].isin(group.places)]
downloads.briefing_buttons(
    lambda: {
        "宽表": export.wide_table(
            peer_values,
            defs,
            keys,
            reports[reports["report_id"].isin(group.report_ids) & reports["place"].isin(group.places)],
        ),
        "长表": export.download_table(peer_values),
    },
    lambda: export.about_rows(
        what="对比：所选指标在对比组内的数值（宽表：地区×指标；长表：每个数值一行）",
        group=group.label,
        filters="指标：" + "、".join(c.name for c in comparisons),
        defs=defs,
        keys=keys,
        method="组中位数只在单位可比的地区间计算；推算值由报告中两个数字计算",
        sources=sorted(set(peer_values["report_id"])),
        now=downloads.now_text(),
    ),
    ["对比", "、".join(c.name for c in comparisons[:2]) + ("等" if len(keys) > 2 else ""), group.file_part],
    key="cmp_dl",
    csv_label="下载 CSV（宽表）",
)
