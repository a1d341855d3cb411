"""对比: chosen indicators across chosen jurisdictions in one year, a sorted bar chart per indicator."""

import streamlit as st

from dashboard import charts, data, ranking, ui
from dashboard.briefing.button import compare_button
from dashboard.fmt import unit_label

st.title("对比")
ui.require_data()

reports, defs = data.load_reports(), data.load_defs()
level, latest = ui.default_peer(reports)
years = ui.years_of(reports)[::-1]

left, right = st.columns([1, 3])
year = left.selectbox("年度", years, index=years.index(latest), key="year", bind="query-params")
in_year = ui.filter_reports(reports, year=year)
peers, group_name = ui.default_places(in_year, level, year)
chosen = (
    right.multiselect(
        f"地区（不选即{group_name}）",
        list(dict.fromkeys(in_year["place"])),
        key="places",
        bind="query-params",
        placeholder=f"{group_name}（{len(peers)} 个）",
    )
    or peers
)
keys = ui.indicator_picker(
    defs, key="ind", label="指标（可多选）", default=ui.default_indicator(reports, defs)
)

if not keys:
    st.info("请至少选择一项指标。")
    st.stop()
values = ranking.labelled(data.load_values(year, keys, places=chosen))
group = f"{year}年，所选 {len(chosen)} 个地区" if chosen != peers else f"{group_name}（{len(peers)} 个）"
compare_button(year, level, chosen, keys)
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
