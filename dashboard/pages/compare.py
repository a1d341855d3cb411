"""对比: chosen indicators across chosen jurisdictions in one year, a sorted bar chart per indicator.
The link holds the year, the places (by place id, the default group's too) and the indicator keys,
so it shows the same places after new reports arrive."""

import streamlit as st

from dashboard import charts, data, ranking, ui
from dashboard.fmt import unit_label

st.title("对比")
ui.require_data()

reports, defs = data.load_reports(), data.load_defs()
level, latest = ui.default_peer(reports)
years = ui.years_of(reports)[::-1]

left, right = st.columns([1, 3])


def _year_changed() -> None:
    """Another year: the default group follows it (chosen places stay where that year has them)."""
    if not st.session_state.get("places_pick"):
        del st.query_params["places"]


year = ui.url_selectbox(left, "年度", years, latest, key="year", then=_year_changed)
in_year = ui.filter_reports(reports, year=year)
peers, group_name = ui.default_places(in_year, level, year)
ids = ui.place_ids(in_year)
label_of = dict(zip(ids, in_year["place"], strict=True))
id_of = dict(zip(in_year["place"], ids, strict=True))
peer_ids = [id_of[p] for p in peers]
wanted = ui.url_values("places", list(label_of), peer_ids, what="地区", fmt=label_of.get)
# The widget stays empty while the link's places are the default group; otherwise it lists them.
st.session_state["places_pick"] = [] if set(wanted) == set(peer_ids) else wanted
right.multiselect(
    f"地区（不选即{group_name}）",
    list(label_of),
    key="places_pick",
    format_func=label_of.get,
    on_change=lambda: ui.write_param("places", st.session_state["places_pick"] or peer_ids),
    placeholder=f"{group_name}（{len(peers)} 个）",
)
chosen = [label_of[i] for i in wanted]
keys = ui.indicator_picker(
    defs, key="ind", label="指标（可多选）", default=ui.default_indicator(reports, defs)
)

if not keys:
    st.info("请至少选择一项指标。")
    st.stop()
values = ranking.labelled(data.load_values(year, keys, places=chosen))
same = set(chosen) == set(peers)
group = f"{group_name}（{len(peers)} 个）" if same else f"{year}年，所选 {len(chosen)} 个地区"
for key in keys:
    d = defs.set_index("key").loc[key]
    rows = values[values["key"] == key]
    table, missing = ranking.value_table(rows, chosen)
    st.subheader(d["name"])
    fig = charts.bar_chart(
        rows,
        title=f"{d['name']}（{year}年）",
        missing=missing,
        subtitle=f"{unit_label(d['kind'], d['unit'])} · {group}",
    )
    ui.show_chart(fig, f"法治对标_{d['name']}_{year}_{len(chosen)}个地区")
    if missing:
        st.markdown("**无数据**（报告未给出，不计为 0）：")
        st.text("、".join(missing))
    ui.table(table.drop(columns="原值"))
    st.caption(d["definition"])
