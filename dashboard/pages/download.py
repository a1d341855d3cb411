"""数据下载: the values of a peer group as a wide table (place × indicator, 无数据 cells) or a long one
(one row per value), as CSV (UTF-8 BOM, formula guard) or XLSX with a 说明 sheet."""

import streamlit as st

from dashboard import data, downloads, export, peers, ui
from dashboard.textview import escape_markdown as esc

st.title("数据下载")
ui.require_data()
SHOWN = 2000  # rows drawn in the page; the downloads hold every row

reports, defs = data.load_reports(), data.load_defs()
group = peers.peer_picker(reports, allow_all=True)
keys = ui.indicator_picker(defs, key="ind", label="指标（不选即全部）", default=[])
SHAPES = ["宽表", "长表"]
st.session_state["shape_pick"] = ui.url_value("shape", SHAPES, SHAPES[0], what="表格形式")
shape = (
    st.segmented_control(
        "表格形式",
        SHAPES,
        key="shape_pick",
        on_change=lambda: ui.write_param("shape", st.session_state["shape_pick"] or SHAPES[0]),
        help="宽表：每个地区（年度）一行、每项指标一列，缺失写“无数据”；长表：每个数值一行，附单位、依据原文。",
    )
    or SHAPES[0]
)
ids = list(group.report_ids)
table = data.load_values(None, keys or None, report_ids=ids)
names = defs.set_index("key")["name"]
what = (
    "全部指标" if not keys else "、".join(names[k] for k in keys) if len(keys) <= 2 else f"{len(keys)}项指标"
)
st.caption(f"对比组：{esc(group.label)}，{len(ids):,} 份报告。“无数据”表示报告没有写，不等于 0。")
wide = export.wide_table(table, defs, keys or None, reports[reports["report_id"].isin(ids)])
long = export.download_table(table)
shown = wide if shape == "宽表" else long
if len(shown) > SHOWN:
    st.caption(f"表中显示前 {SHOWN:,} 行，下载包含全部 {len(shown):,} 行。")
ui.value_grid(export.as_text(shown.head(SHOWN)))
sheets = {"宽表": wide, "长表": long} if shape == "宽表" else {"长表": long, "宽表": wide}
downloads.briefing_buttons(
    lambda: sheets,
    lambda: export.about_rows(
        what="数据下载：宽表（地区×指标）与长表（每个数值一行，附原文单位与依据原文）",
        group=group.label,
        filters=f"指标：{what}；表格形式：{shape}",
        defs=defs,
        keys=keys or None,
        method="数值为报告所写数字（换算到显示单位）；推算值由报告中两个数字计算；人工更正的数值注明来源",
        sources=sorted(set(table["report_id"])),
        now=downloads.now_text(),
    ),
    [what, shape, group.file_part],
    key="dl",
    csv_label=f"下载 CSV（{shape}）",
)
