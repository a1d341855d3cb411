"""总览: what is loaded, the coverage matrix, the last build with its failed files, and the recent
changes (uploads and corrections, with who made them and when)."""

import streamlit as st

from dashboard import data, importing, ui
from dashboard.fmt import LEVEL_NAMES

st.title("法治对标 · 总览")
ui.require_data()

reports = data.load_reports()
c1, c2, c3 = st.columns(3)
c1.metric("报告", f"{len(reports):,} 份")
c2.metric("地区", f"{reports['place'].nunique():,} 个")
years = ui.years_of(reports)
c3.metric("年度", f"{len(years)} 个", help="、".join(map(str, years)))

st.subheader("指标覆盖情况")
choices = ["全部"] + sorted(years, reverse=True)
year = ui.url_selectbox(st, "年度", choices, "全部", key="year")
chosen = None if year == "全部" else int(year)
st.caption("“有”表示该地区报告给出了这项数字；“无数据”表示报告没有写，不等于 0。")
st.dataframe(data.load_coverage_matrix(chosen), hide_index=True, width="stretch")
with st.expander("各指标的覆盖率"):
    ui.table(data.load_coverage_summary(chosen))

levels = reports.groupby("level")["place"].nunique()
st.caption("按层级：" + "，".join(f"{LEVEL_NAMES.get(k, k)} {v} 个" for k, v in levels.items()))

st.subheader("最近一次构建")
build = data.load_last_build()
if build is None:
    st.info("还没有构建记录。")
else:
    st.write(
        f"完成于 {build['finished_at']:%Y-%m-%d %H:%M:%S}，用时 {build['seconds']:.1f} 秒；"
        f"读到文件 {build['files_seen']} 个，新解析 {build['parsed']} 个，未变 {build['unchanged']} 个，"
        f"失败 {build['failed']} 个，指标 {build['indicators']} 项。"
    )
    problems = data.load_build_problems(build["run_id"])
    if problems.empty:
        st.success("本次构建没有失败的文件。")
    else:
        st.warning(f"有 {len(problems)} 个文件没有入库：")
        st.dataframe(
            problems.assign(source=problems["source"].map(ui.file_name))
            .rename(columns={"source": "文件", "status": "状态", "error": "原因"})
            .replace({"状态": {"failed": "失败", "duplicate": "重复"}}),
            hide_index=True,
            width="stretch",
        )

st.subheader("最近的更改")
changes = importing.recent_changes()
if changes.empty:
    st.caption("还没有通过看板导入的报告或记录的更正。")
else:
    st.dataframe(changes, hide_index=True, width="stretch")
