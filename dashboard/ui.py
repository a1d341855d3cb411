"""Widgets shared by the pages: the empty-database guard, URL-bound pickers (the peer group itself is
dashboard/peers.py), indicator pickers, charts, downloads and the corrections panel. Every selection lives in a URL query parameter (its key) holding a stable key
(indicator key, place id, year), defaults included, so a copied link reopens the same view even after
new reports arrive; a parameter that names nothing gets a Chinese notice saying what is shown instead."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import charts, data
from dashboard.fmt import LEVEL_NAMES, format_value

ALL = "全部"
IMPORT_PAGE = "dashboard/pages/upload.py"


def require_data() -> None:
    """Stop the page with a friendly pointer to 导入报告 when there is nothing to show; open the
    box where the page's link notices go (just under the title)."""
    st.session_state["_notices"] = st.container()
    state, message = data.db_status()
    if state == "ok":
        return
    st.info(message, icon=":material/inbox:")
    st.page_link(IMPORT_PAGE, label="前往“导入报告”", icon=":material/upload_file:")
    st.stop()


def default_peer(reports: pd.DataFrame) -> tuple[str, int]:
    """The default peer group: county level (the most common otherwise) in its latest year."""
    levels = reports["level"].dropna()
    level = "county" if (levels == "county").any() else (levels.mode().iloc[0] if len(levels) else "")
    years = reports.loc[reports["level"] == level, "year"].dropna()
    year = int(years.max()) if len(years) else int(reports["year"].dropna().max())
    return level, year


def default_places(in_year: pd.DataFrame, level: str, year: int, cap: int = 40) -> tuple[list[str], str]:
    """对比's default places in one year and how to name them: every report at `level`; when that is
    more than `cap` (a chart nobody can read), the province with the most of them."""
    group = filter_reports(in_year, level=level)
    if group.empty:
        return list(dict.fromkeys(in_year["place"])), f"{year}年全部地区"
    name = f"{year}年全部{LEVEL_NAMES.get(level, '')}地区"
    if group["place"].nunique() > cap and group["province"].notna().any():
        province = group["province"].value_counts().index[0]
        group = group[group["province"] == province]
        name = f"{year}年{province}全部{LEVEL_NAMES.get(level, '')}地区"
    return list(dict.fromkeys(group["place"])), name


def default_indicator(reports: pd.DataFrame, defs: pd.DataFrame) -> list[str]:
    """对比's default indicator: the one most places of the default group give, in the latest year
    (fixed for a database, so a link without `ind` always means the same)."""
    level, year = default_peer(reports)
    peers, _ = default_places(filter_reports(reports, year=year), level, year)
    counts = data.places_per_key(year, places=peers).reindex(defs["key"]).fillna(0)
    return [counts.idxmax()] if counts.max() else []


# ---- URL parameters -------------------------------------------------------------------------------
# The URL is the truth: each run reads a parameter, checks it against what the database holds, sets
# the widget from it and writes the resolved value back (so defaults are in the link too); a widget
# change goes to the URL in its callback. A value that came from outside (a link, not this session's
# last write) and names nothing gets a notice; one made stale by a change upstream is reset silently.


def notice(text: str) -> None:
    """A link notice under the page title (or here, on a page without one)."""
    box = st.session_state.get("_notices")
    try:
        (box or st).warning(text, icon=":material/link_off:")
    except Exception:  # a box from an earlier run of another page
        st.warning(text, icon=":material/link_off:")


def _written() -> dict:
    return st.session_state.setdefault("_url_written", {})


def _from_link(key: str, raw: object) -> bool:
    """True when the URL's value was not written by this session (a link or a hand edit)."""
    return _written().get(key) != raw


def write_param(key: str, value: object) -> None:
    """Put a resolved value (or list of values) into the URL, remembering it as this session's own."""
    raw = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    if isinstance(raw, list) and not raw:
        raw = [""]  # an explicit empty choice
    _written()[key] = raw
    if st.query_params.get_all(key) != (raw if isinstance(raw, list) else [raw]):
        st.query_params[key] = raw


def _to_url(key: str) -> None:
    write_param(key, st.session_state[key])


def url_value(key: str, options: list, default, *, what: str, fmt: Callable = str):
    """The value of parameter `key` among `options` (compared as text), else `default` with a notice
    when the link named something the database does not hold. Writes the result to the URL."""
    raw = st.query_params.get(key)
    by_text = {**{str(fmt(o)): o for o in options}, **{str(o): o for o in options}}  # old links: labels
    value = default
    if raw is not None and raw in by_text:
        value = by_text[raw]
    elif raw is not None and _from_link(key, raw):
        shown = fmt(default) if default is not None else "无"
        notice(f"没有找到链接中的{what}“{raw}”，显示的是{what}“{shown}”。")
    write_param(key, value)
    return value


def url_values(key: str, options: list, default: list, *, what: str, fmt: Callable = str) -> list:
    """The values of a repeated parameter among `options`; names that match nothing are dropped with
    a notice (and `default` used when none is left). An explicit empty choice is kept empty."""
    raws = st.query_params.get_all(key)
    if not raws:
        value = list(default)
    elif raws == [""]:
        value = []
    else:
        by_text = {**{str(fmt(o)): o for o in options}, **{str(o): o for o in options}}  # old links: labels
        value = [by_text[r] for r in raws if r in by_text]
        unknown = [r for r in raws if r not in by_text]
        if unknown and _from_link(key, raws):
            instead = "、".join(fmt(v) for v in (value or default)) or "无"
            notice(f"没有找到链接中的{what}“{'、'.join(unknown)}”，显示的是{what}：{instead}。")
        value = value or list(default)
    write_param(key, value)
    return value


def url_selectbox(
    where, label: str, options: list, default, *, key: str, what: str | None = None, fmt=str, then=None
):
    """A selectbox whose choice lives in the URL parameter `key` (see url_value); `then` runs after
    a change is written (e.g. to let a choice that depends on this one fall back to its default)."""
    st.session_state[key] = url_value(key, options, default, what=what or label, fmt=fmt)

    def changed() -> None:
        _to_url(key)
        if then:
            then()

    return where.selectbox(label, options, key=key, format_func=lambda o: str(fmt(o)), on_change=changed)


def url_multiselect(where, label: str, options: list, default: list, *, key: str, what: str, fmt=str, **kw):
    """A multiselect whose choices live in the repeated URL parameter `key` (see url_values)."""
    st.session_state[key] = url_values(key, options, default, what=what, fmt=fmt)
    return where.multiselect(label, options, key=key, format_func=fmt, on_change=_to_url, args=(key,), **kw)


def url_number(where, label: str, lo, hi, default, step, *, key: str):
    """A number input whose value lives in the URL parameter `key`; out of range or not a number
    is a notice and the default."""
    raw = st.query_params.get(key)
    value = default
    if raw is not None:
        try:
            got = type(default)(float(raw))
            if not lo <= got <= hi:
                raise ValueError
            value = got
        except ValueError:
            if _from_link(key, raw):
                notice(f"链接中的“{label}”“{raw}”不是 {lo}–{hi} 之间的数，显示的是 {default}。")
    write_param(key, value)
    st.session_state[key] = value
    return where.number_input(label, lo, hi, step=step, key=key, on_change=_to_url, args=(key,))


def url_text(where, label: str, *, key: str, **kw) -> str:
    """A text input whose text lives in the URL parameter `key` (written even when empty)."""
    value = st.query_params.get(key, "")
    write_param(key, value)
    st.session_state[key] = value
    return where.text_input(label, key=key, on_change=_to_url, args=(key,), **kw)


def place_ids(reports: pd.DataFrame) -> pd.Series:
    """A stable id per place: its province/city/county/name path, and the department for a
    department's report (城中区/司法局 is not 城中区); the display label may change when another place
    of the same name arrives. A report whose place was not found is known by its id (报告:…)."""
    cols = ["province", "city", "county", "jurisdiction", "department"]
    rows = reports.reindex(columns=cols).astype(object)
    paths = [
        "/".join(dict.fromkeys(x for x in row if isinstance(x, str) and x))
        for row in rows.itertuples(index=False)
    ]
    ids = [
        p if j else f"报告:{r}"
        for p, j, r in zip(paths, reports["jurisdiction"].notna(), reports["report_id"], strict=True)
    ]
    return pd.Series(ids, index=reports.index)


def url_place(where, reports: pd.DataFrame, default_id: str, *, key: str = "place", then=None) -> str:
    """A place picker (by place id in the URL; a link may also name the place by its label or its
    name, and is rewritten to the id). `then` runs after a change."""
    ids = place_ids(reports)
    shown = [
        f"{p}（{file_name(r)}）" if i.startswith("报告:") else p
        for i, p, r in zip(ids, reports["place"], reports["report_id"], strict=True)
    ]
    labels = dict(zip(ids, shown, strict=True))
    raw = st.query_params.get(key)
    if raw is not None and raw not in labels:
        by_label = {lab: i for i, lab in labels.items()}
        names = reports.assign(pid=ids).groupby("jurisdiction")["pid"].unique()
        if raw in by_label:
            st.query_params[key] = by_label[raw]
        elif raw in names.index and len(names[raw]) == 1:
            st.query_params[key] = names[raw][0]
    options = sorted(labels, key=labels.get)
    return url_selectbox(where, "地区", options, default_id, key=key, what="地区", fmt=labels.get, then=then)


def file_name(path: object) -> str:
    """Only the file's name: server paths are never shown."""
    return str(path).replace("\\", "/").rsplit("/", 1)[-1]


def editor_name() -> str | None:
    """Who is correcting: the signed-in editor's name. Anyone else sees the Chinese sign-in form here
    (auth.require_editor) and gets None, so the page keeps its read-only part."""
    from dashboard import auth

    return auth.require_editor("记录更正", stop=False)


def years_of(reports: pd.DataFrame) -> list[int]:
    """The distinct years of these reports, old to new."""
    return sorted(reports["year"].dropna().astype(int).unique().tolist())


def filter_reports(
    reports: pd.DataFrame,
    *,
    year: int | None = None,
    level: str | None = None,
    province: str | None = None,
    city: str | None = None,
    department: str | None = None,
) -> pd.DataFrame:
    """Reports in a peer group; None (or 全部) leaves a field open. A department's reports are
    compared with the same department's only (司法局 with 司法局)."""
    keep = pd.Series(True, index=reports.index)
    for col, want in (
        ("year", year),
        ("level", level),
        ("province", province),
        ("city", city),
        ("department", department),
    ):
        if want not in (None, ALL, ""):
            keep &= reports[col] == want
    return reports[keep]


def indicator_picker(
    defs: pd.DataFrame, *, key: str, label: str, default: list[str], only: list[str] | None = None
) -> list[str]:
    """A multiselect of indicators, grouped by 行政复议 … 公共法律服务与学法 (group name in the label)."""
    d = defs if only is None else defs[defs["key"].isin(only)]
    names = dict(zip(d["key"], "【" + d["group_name"] + "】" + d["name"], strict=True))
    return url_multiselect(
        st,
        label,
        list(names),
        [k for k in default if k in names],
        key=key,
        what="指标",
        fmt=names.get,
        placeholder="选择指标",
    )


def table(frame: pd.DataFrame, small: int = 30) -> None:
    """A short table as a static st.table (light, prints well); a long one as a scrollable, sortable grid.
    Missing cells read 无数据."""
    if len(frame) <= small:
        st.table(frame.style.format(precision=3, na_rep="无数据"), hide_index=True)
    else:
        st.dataframe(frame, hide_index=True, width="stretch", placeholder="无数据")


def value_grid(frame: pd.DataFrame) -> None:
    """A sortable grid of figures whose 数值 column shows 千分位 (数据下载, 检索)."""
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={"数值": st.column_config.NumberColumn(format="localized")},
    )


def show_chart(fig, filename: str) -> None:
    """A Plotly chart whose camera button saves a 2× PNG named after what it shows."""
    st.plotly_chart(fig, config=charts.chart_config(filename), width="stretch")


def _flash(text: str | None = None) -> None:
    """Show (and forget) the message left by the run before a st.rerun, or leave one."""
    if text is not None:
        st.session_state["_flash"] = text
    elif "_flash" in st.session_state:
        st.success(st.session_state.pop("_flash"), icon=":material/check_circle:")


def corrections_panel(
    report_id: str, *, current: dict, values: pd.DataFrame, pending: list | None = None
) -> None:
    """Correct any value or metadata field of one report (Chinese level names, a required reason),
    signed by the signed-in editor (anyone else sees the sign-in form instead), with the report's
    correction history below. Recorded in corrections.csv at once and the database rebuilt, so the
    page shows the new value; a correction can be withdrawn (the withdrawal is recorded too). With
    `pending` (the upload review) corrections wait in that list until the report is added, then are
    recorded under the name it got."""
    import hashlib

    tag = hashlib.sha1(report_id.encode()).hexdigest()[:8]
    _flash()
    who = editor_name()
    if who:
        _correction_form(report_id, tag, current, values, who, pending)
    if pending is None:
        _correction_history(report_id, tag, who)
    else:
        _pending_list(report_id, tag, pending)


def _correction_form(
    report_id: str, tag: str, current: dict, values: pd.DataFrame, who: str, pending: list | None
) -> None:
    """The form: field, current value, new value (a level picked by its Chinese name), reason."""
    from dashboard import importing

    levels = importing.level_choices()
    given = values.drop_duplicates("key").set_index("key") if not values.empty else values
    fields = importing.correction_fields(list(given.index) if not values.empty else [])
    st.caption(f"更正人：{who}（当前登录的编辑人员）")
    c1, c2 = st.columns([1, 2])
    field = c1.selectbox("要更正的字段", list(fields), format_func=fields.get, key=f"fix_field_{tag}")
    if field in importing.CORRECTABLE_META:
        now = current.get(field)
        now = levels.get(now, now) if field == "level" else now
    elif field in getattr(given, "index", []):
        row = given.loc[field]
        now = format_value(row["value"], row["qualifier"], row["kind"])
    else:
        now = None
    c2.caption(f"当前值：{'未识别 / 无数据' if now is None or now != now else now}")
    if field == "level":
        names = ["（删除该值）", *levels.values()]
        at = names.index(now) if now in names else 0  # starts at the current level, not at 删除
        picked = c2.selectbox("正确的层级", names, index=at, key=f"fix_level_{tag}")
        new_value = "" if picked == names[0] else picked
    else:
        new_value = c2.text_input("正确的值（留空表示删除该值）", key=f"fix_value_{tag}")
    reason = st.text_input("更正理由（必填）", key=f"fix_reason_{tag}")
    if not st.button("记录更正", key=f"fix_go_{tag}", icon=":material/edit:"):
        return
    shown = f"{fields[field]} → {new_value.strip() or '（删除该值）'}"
    try:
        if pending is None:
            importing.record_correction(report_id, field, new_value.strip(), reason.strip(), who)
        else:
            importing.check_correction(field, new_value.strip(), reason)
            pending.append((report_id, field, new_value.strip(), reason.strip()))
    except ValueError as e:
        st.error(str(e))
        return
    for box in (f"fix_value_{tag}", f"fix_reason_{tag}"):  # an empty form: not recorded twice by mistake
        st.session_state.pop(box, None)
    if pending is None:
        _after_change(f"已记录更正：{shown}")
    else:
        _flash(f"已记录更正：{shown}（加入数据库时保存）")
        st.rerun()


def _correction_history(report_id: str, tag: str, who: str | None) -> None:
    """The report's corrections from corrections.csv, newest first; an editor may withdraw one."""
    from dashboard import importing

    history = importing.correction_history(report_id)
    st.markdown("**这份报告的更正记录**")
    if history.empty:
        st.caption("还没有更正。")
        return
    table(history.drop(columns="ref"))
    live = history[history["状态"] == "有效"]
    if live.empty or not who:
        return
    labels = {r.ref: f"{r.时间} {r.字段} → {r.新值}（{r.更正人}）" for r in live.itertuples()}
    w1, w2 = st.columns([2, 2], vertical_alignment="bottom")
    ref = w1.selectbox("撤销哪一条更正", list(labels), format_func=labels.get, key=f"undo_pick_{tag}")
    why = w2.text_input("撤销理由（必填）", key=f"undo_reason_{tag}")
    if st.button("撤销这条更正", key=f"undo_go_{tag}", icon=":material/undo:"):
        try:
            importing.withdraw_correction(ref, why.strip(), who)
        except ValueError as e:
            st.error(str(e))
        else:
            _after_change(f"已撤销：{labels[ref]}")


def _pending_list(report_id: str, tag: str, pending: list) -> None:
    """The upload's corrections waiting to be saved with it; one can be dropped (nothing is recorded
    yet, so dropping leaves no trace)."""
    from dashboard import importing

    mine = [(n, c) for n, c in enumerate(pending) if c[0] == report_id]
    if not mine:
        return
    fields = importing.correction_fields()
    rows = [
        {
            "字段": fields.get(f, f),
            "新值": v or "（删除该值）",
            "理由": why,
            "状态": "待保存（加入数据库时保存）",
        }
        for _, (_, f, v, why) in mine
    ]
    st.markdown("**待保存的更正**")
    table(pd.DataFrame(rows))
    labels = {n: f"{fields.get(f, f)} → {v or '（删除该值）'}" for n, (_, f, v, _) in mine}
    w1, w2 = st.columns([2, 1], vertical_alignment="bottom")
    n = w1.selectbox("去掉哪一条待保存的更正", list(labels), format_func=labels.get, key=f"drop_pick_{tag}")
    if w2.button("去掉这条更正", key=f"drop_go_{tag}", icon=":material/undo:"):
        pending.pop(n)
        _flash(f"已去掉：{labels[n]}")
        st.rerun()


def _after_change(message: str) -> None:
    """Rebuild (so the new value shows at once) and rerun with the message; a failed build is shown."""
    from dashboard import importing

    with st.spinner("正在重新构建数据库……"):
        try:
            importing.rebuild()
        except importing.BuildError as e:
            st.error(f"更正已记录，但重新构建失败：{e}")
            return
    _flash(message)
    st.rerun()


_UPLOADER_JS = """<script>
(() => {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  doc.__zhHint = "__HINT__";  // the latest call's hint: the upload page's names its size limit
  const fix = () => {
    doc.querySelectorAll('[data-testid="stFileUploaderDropzone"] button p').forEach(p => {
      if (p.textContent !== "选择文件") p.textContent = "选择文件"; });
    doc.querySelectorAll('[data-testid="stFileUploaderDropzoneInstructions"] span').forEach(s => {
      if (s.textContent !== doc.__zhHint) s.textContent = doc.__zhHint; });
    doc.querySelectorAll('[data-testid="stSkipToContent"]').forEach(a => {
      if (/Skip/.test(a.textContent)) a.textContent = "跳到正文"; });
    doc.querySelectorAll('[data-testid="stFileUploaderFileErrorMessage"], [data-testid="stFileUploaderFile"] small')
      .forEach(e => { if (/too large|or smaller|not allowed/i.test(e.textContent))
        e.textContent = "文件过大或类型不支持，未上传"; });
  };
  fix();
  if (!doc.__zhUploader) {
    doc.__zhUploader = new MutationObserver(fix);
    doc.__zhUploader.observe(doc.body, {childList: true, subtree: true, characterData: true});
  }
})();
</script>"""


def chinese_chrome() -> None:
    """Streamlit's own English words (the hidden 'Skip to main content' link) in Chinese, on every page."""
    st.html(_UPLOADER_JS.replace("__HINT__", "拖入文件或点击选择"), unsafe_allow_javascript=True)


def chinese_uploader(limit_mb: int) -> None:
    """Streamlit's file uploader in Chinese: its 'Upload' button and 'NMB per file' line rewritten
    in the page (and kept so when it redraws)."""
    hint = f"拖入文件或点击选择；单个文件不超过 {limit_mb} MB"
    st.html(_UPLOADER_JS.replace("__HINT__", hint), unsafe_allow_javascript=True)
