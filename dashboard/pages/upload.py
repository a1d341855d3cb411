"""导入报告: upload reports, review what was read, record corrections, add them through the atomic build."""

import tempfile
from pathlib import Path

import streamlit as st

from dashboard import importing
from dashboard.textview import escape_markdown as esc

st.title("导入报告")
limit = importing.upload_limit()
st.caption(
    f"支持 txt、html、docx、pdf，可多选；单个文件不超过 {limit // 1024 // 1024} MB（更大的文件会被拒绝）。"
    "先核对识别结果，必要时更正，再加入数据库。"
)

files = st.file_uploader(
    "选择报告文件",
    type=list(importing.FORMATS),
    accept_multiple_files=True,
    key="uploads",
    max_upload_size=max(1, limit // 1024 // 1024),
)
folder = Path(st.session_state.setdefault("staging", tempfile.mkdtemp(prefix="fazhi_upload_")))
parsed = st.session_state.setdefault("parsed", {})
ready = []
for f in files or []:
    problem = importing.check_upload(f.name, f.size, limit)
    if problem:
        st.error(esc(problem))
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
    with st.form(f"fix_{name}", clear_on_submit=True):
        st.markdown("**更正一个数值或元数据**（记入更正表，每次构建都会套用）")
        fields = importing.correction_fields(values)
        c1, c2, c3 = st.columns([1, 1, 2])
        field = c1.selectbox("字段", list(fields), format_func=fields.get)
        new_value = c2.text_input("正确的值（留空表示删除该值）")
        reason = c3.text_input("更正理由（必填）")
        if st.form_submit_button("记录更正"):
            try:
                importing.record_correction(name, field, new_value.strip(), reason.strip())
                st.success(f"已记录：{esc(fields[field])} → {esc(new_value.strip() or '（删除）')}")
            except ValueError as e:
                st.error(esc(str(e)))

if ready and st.button(f"加入数据库（{len(ready)} 个文件）", type="primary", icon=":material/upload_file:"):
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
