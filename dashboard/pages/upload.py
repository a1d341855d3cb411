"""导入报告: upload reports, review what was read, place a report whose 地区/层级/年度 was not found,
record corrections, add them through the atomic build."""

import tempfile
from pathlib import Path

import streamlit as st

from dashboard import importing, ui
from dashboard.textview import escape_markdown as esc

st.title("导入报告")
limit = importing.upload_limit()
limit_mb = max(1, limit // 1024 // 1024)
st.caption(
    f"支持 txt、html、docx、pdf，可多选；单个文件不超过 {limit_mb} MB（更大的文件会被拒绝）。"
    "旧版 Word（.doc）请先另存为 .docx 或 PDF。先核对识别结果，必要时更正，再加入数据库。"
)
ui.chinese_uploader(limit_mb)
files = st.file_uploader("选择报告文件", accept_multiple_files=True, key="uploads", max_upload_size=limit_mb)
folder = Path(st.session_state.setdefault("staging", tempfile.mkdtemp(prefix="fazhi_upload_")))
parsed = st.session_state.setdefault("parsed", {})
unplaced_ok = st.session_state.setdefault("unplaced_ok", set())
ready, waiting = [], []
for f in files or []:
    problem = importing.check_upload(f.name, f.size, limit)
    if problem:
        st.error(esc(problem), icon=":material/block:")
        continue
    name = importing.target_name(f.name, f.getvalue(), importing.reports_dir())
    path, result = importing.read_upload(name, f.getvalue(), folder, parsed)
    st.subheader(esc(name))
    if not result.ok:
        st.error(f"无法读取：{esc(result.error or '')}")
        continue
    ready.append(path)
    meta, values = importing.preview_tables(result)
    left, right = st.columns([1, 3])
    left.dataframe(meta, hide_index=True, width="stretch")
    right.dataframe(values, hide_index=True, width="stretch")

    missing = [k for k in importing.missing_placement(result) if k not in importing.corrected_fields(name)]
    if missing and name not in unplaced_ok:
        waiting.append(name)
        what = "、".join(importing.META_FIELDS[k] for k in missing)
        st.warning(
            f"这份报告没有识别出{what}。加入数据库前，请在下面用“更正”补上，或选择“暂不归类”。",
            icon=":material/help:",
        )
        if st.checkbox("暂不归类（先加入数据库，以后在“地区档案”中补上）", key=f"unplaced_{name}"):
            unplaced_ok.add(name)
            st.rerun()
    with st.expander("更正一个数值或报告信息（记入更正表，每次构建都会套用）", expanded=bool(missing)):
        current = {k: getattr(result.meta, k, None) for k in importing.CORRECTABLE_META}
        ui.corrections_panel(name, current=current, values=importing.result_values(result), rebuild=False)

if waiting:
    st.info(
        f"还有 {len(waiting)} 份报告需要先补上地区、层级或年度（或选择“暂不归类”）：{esc('、'.join(waiting))}"
    )
if ready and st.button(
    f"加入数据库（{len(ready)} 个文件）",
    type="primary",
    icon=":material/upload_file:",
    disabled=bool(waiting),
):
    with st.spinner("正在构建数据库……"):
        try:
            summary = importing.add_and_build(
                ready, importing.reports_dir(), importing.db_path(), importing.corrections_csv()
            )
        except importing.BuildError as e:
            st.error(f"构建失败：{esc(str(e))}")
        else:
            st.success("已加入数据库。")
            st.text(summary.render())
            st.page_link("dashboard/pages/overview.py", label="查看总览", icon=":material/dashboard:")
