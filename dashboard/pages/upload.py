"""导入报告 (editors only): upload reports, review what was read, note corrections, then add them
through the atomic build. Parsing and the build run in their own processes; an upload never
replaces a report, and the same bytes as an existing report are recognised as that report."""

import hashlib

import streamlit as st

from dashboard import auth, importing
from dashboard.textview import escape_markdown as esc

st.title("导入报告")
editor = auth.require_editor("导入报告、记录更正和重建数据库")

limit = importing.upload_limit(st.get_option("server.maxUploadSize"))
limit_mb = limit / 1024 / 1024
st.caption(
    f"支持 txt、html、docx、pdf，可多选；**单个文件不超过 {limit_mb:g} MB**，更大的文件会被拒绝、不会上传。"
    "先核对识别结果，必要时更正，再加入数据库。同名的已有报告不会被覆盖。"
)

state = st.session_state
staging = state.setdefault("staging", importing.Staging())  # the folder is made on first upload
if not state.setdefault("staging_swept", False):
    importing.sweep_stale_staging()
    state["staging_swept"] = True
parsed = state.setdefault("parsed", {})  # (upload name, sha256) -> (staged path, result)
pending = state.setdefault("pending", [])  # (staged name, field, value, reason)

done = state.pop("upload_done", None)
if done:
    kind, message, summary = done
    (st.success if kind == "ok" else st.error)(message)
    if summary:
        st.text(summary)
    if kind == "ok":
        st.page_link("dashboard/pages/overview.py", label="查看总览", icon=":material/dashboard:")

files = st.file_uploader(
    "选择报告文件",
    type=list(importing.FORMATS),
    accept_multiple_files=True,
    key=f"uploads_{state.setdefault('upload_round', 0)}",
    max_upload_size=max(1, int(limit_mb)),
)
uploads = []
for f in files or []:
    problem = importing.check_upload(f.name, f.size, limit)
    if problem:
        st.error(esc(problem))
    else:
        uploads.append((f.name, f.getvalue()))
keys = [(name, hashlib.sha256(data).hexdigest()) for name, data in uploads]
taken = {parsed[k][0].name for k in keys if k in parsed}  # names this session already chose

ready: dict = {}  # staged path -> bytes
originals: dict[str, str] = {}
first_of: dict[str, str] = {}
for (name, data), key in zip(uploads, keys, strict=True):
    if key[1] in first_of:
        st.info(f"{esc(name)} 与本次选择的 {esc(first_of[key[1]])} 内容完全相同，只加入一次。")
        continue
    first_of[key[1]] = name
    existing = importing.same_report(data, importing.reports_dir())
    if existing:
        st.info(f"{esc(name)} 与已有报告 {esc(existing)} 内容完全相同，就是这份报告，不再重复加入。")
        continue
    if key not in parsed:
        target = importing.target_name(name, importing.reports_dir(), taken)
        taken.add(target)
        path = importing.stage_upload(target, data, staging.path)
        status = st.empty()
        result = importing.parse_upload(
            path,
            timeout=importing.parse_timeout(),
            tick=lambda t, n=target, s=status: s.caption(f"正在解析 {esc(n)}……已用 {t:.0f} 秒"),
        )
        status.empty()
        parsed[key] = (path, result)
    path, result = parsed[key]
    st.subheader(esc(path.name))
    if path.name != importing.safe_filename(name):
        st.caption(f"已有同名报告，这份将保存为“{esc(path.name)}”，原有报告保留不变。")
    if not result.ok:
        st.error(f"无法读取：{esc(result.error or '')}")
        continue
    ready[path], originals[path.name] = data, name
    meta, values = importing.preview_tables(result)
    left, right = st.columns([1, 3])
    left.dataframe(meta, hide_index=True, width="stretch")
    right.dataframe(values, hide_index=True, width="stretch")
    with st.form(f"fix_{path.name}", clear_on_submit=True):
        st.markdown("**更正一个数值或元数据**（加入数据库时记入更正表，署名为当前登录的编辑人员）")
        fields = importing.correction_fields(values)
        c1, c2, c3 = st.columns([1, 1, 2])
        field = c1.selectbox("字段", list(fields), format_func=fields.get)
        new_value = c2.text_input("正确的值（留空表示删除该值）")
        reason = c3.text_input("更正理由（必填）")
        if st.form_submit_button("记录更正"):
            try:
                importing.check_correction(field, new_value.strip(), reason)
            except ValueError as e:
                st.error(esc(str(e)))
            else:
                pending.append((path.name, field, new_value.strip(), reason.strip()))
                st.success(f"已记录：{esc(fields[field])} → {esc(new_value.strip() or '（删除）')}")
    mine = [c for c in pending if c[0] == path.name]
    if mine:
        st.caption("待保存的更正（加入数据库时一并保存）：")
        st.text("\n".join(f"{fields.get(c[1], c[1])} → {c[2] or '（删除）'}；理由：{c[3]}" for c in mine))

if ready and st.button(f"加入数据库（{len(ready)} 个文件）", type="primary", icon=":material/upload_file:"):
    names = {p.name for p in ready}
    with st.spinner("正在加入报告并构建数据库……"):
        final, build = importing.add_and_build(
            ready, originals, [c for c in pending if c[0] in names], editor
        )
    placed = "、".join(final.values())
    if build.code == 0:
        state["upload_done"] = (
            "ok",
            f"已加入数据库：{esc(placed)}（由 {esc(editor)} 导入）。",
            build.err.strip(),
        )
    else:
        why = "构建超时" if build.timed_out else (build.err.strip().splitlines() or ["未知原因"])[-1]
        message = f"报告已放入报告文件夹（{esc(placed)}），但数据库没有更新，仍是原来的：{esc(why)}"
        state["upload_done"] = ("error", message, "")
    staging.close()
    parsed.clear()
    pending.clear()
    state["upload_round"] += 1
    st.rerun()
