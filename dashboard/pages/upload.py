"""导入报告 (editors only): upload reports, review what was read, place a report whose 地区/层级/年度
was not found (or mark it 暂不归类), note corrections, then add them through the atomic build.
Parsing and the build run in their own processes; an upload never replaces a report, and the same
bytes as an existing report are recognised as that report."""

import hashlib

import streamlit as st

from dashboard import auth, importing, ui
from dashboard.textview import escape_markdown as esc

st.title("导入报告")
editor = auth.require_editor("导入报告、记录更正和重建数据库")

limit = importing.upload_limit(st.get_option("server.maxUploadSize"))
limit_mb = limit / 1024 / 1024
st.caption(
    f"支持 txt、html、docx、pdf，可多选；**单个文件不超过 {limit_mb:g} MB**，更大的文件会被拒绝、不会上传。"
    "旧版 Word（.doc）请先另存为 .docx 或 PDF。先核对识别结果，必要时更正，再加入数据库。"
    "同名的已有报告不会被覆盖。"
)

state = st.session_state
staging = state.setdefault("staging", importing.Staging())  # the folder is made on first upload
if not state.setdefault("staging_swept", False):
    importing.sweep_stale_staging()
    state["staging_swept"] = True
parsed = state.setdefault("parsed", {})  # (upload name, sha256) -> (staged path, result)
pending = state.setdefault("pending", [])  # (staged name, field, value, reason)
unplaced_ok = state.setdefault("unplaced_ok", set())  # staged names marked 暂不归类

done = state.pop("upload_done", None)
if done:
    kind, message, summary = done
    (st.success if kind == "ok" else st.error)(message)
    if summary:
        st.text(summary)
    if kind == "ok":
        st.page_link("dashboard/pages/overview.py", label="查看总览", icon=":material/dashboard:")

ui.chinese_uploader(max(1, int(limit_mb)))
# No `type=` filter: the browser would refuse a .doc with an English tooltip; check_upload says why
# in Chinese and what to do instead.
files = st.file_uploader(
    "选择报告文件",
    accept_multiple_files=True,
    key=f"uploads_{state.setdefault('upload_round', 0)}",
    max_upload_size=max(1, int(limit_mb)),
)
uploads = []
for f in files or []:
    problem = importing.check_upload(f.name, f.size, limit)
    if problem:
        st.error(esc(problem), icon=":material/block:")
    else:
        uploads.append((f.name, f.getvalue()))
keys = [(name, hashlib.sha256(data).hexdigest()) for name, data in uploads]
taken = {parsed[k][0].name for k in keys if k in parsed}  # names this session already chose

ready: dict = {}  # staged path -> bytes
originals: dict[str, str] = {}
first_of: dict[str, str] = {}
waiting: list[str] = []
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
    mine = [c for c in pending if c[0] == path.name]
    shown = importing.with_corrections(result, mine, editor)  # the preview shows corrections at once
    meta, values = importing.preview_tables(shown)
    left, right = st.columns([1, 3])
    left.dataframe(meta, hide_index=True, width="stretch")
    right.dataframe(values, hide_index=True, width="stretch")

    missing = importing.missing_placement(shown)
    if missing and path.name not in unplaced_ok:
        waiting.append(path.name)
        what = "、".join(importing.META_FIELDS[k] for k in missing)
        st.warning(
            f"这份报告没有识别出{what}。加入数据库前，请在下面用“更正”补上，或选择“暂不归类”。",
            icon=":material/help:",
        )
        if st.checkbox("暂不归类（先加入数据库，以后在“地区档案”中补上）", key=f"unplaced_{path.name}"):
            unplaced_ok.add(path.name)
            st.rerun()
    with st.expander(  # keyed, its open state is the session's: a rerun does not fold it away
        "更正一个数值或报告信息（加入数据库时记入更正表，署名为当前登录的编辑人员）",
        expanded=bool(missing) or bool(mine),
        key=f"fix_open_{hashlib.sha1(path.name.encode()).hexdigest()[:8]}",
        on_change="rerun",
    ):
        current = {k: getattr(shown.meta, k, None) for k in importing.CORRECTABLE_META}
        ui.corrections_panel(
            path.name, current=current, values=importing.result_values(shown), pending=pending
        )

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
    unplaced_ok.clear()
    state["upload_round"] += 1
    st.rerun()
