"""The 生成简报 button for 对比 and 排名: one call per page; the .docx is made only on a click,
through the pages' own swap-aware read-only connection."""

from __future__ import annotations

import streamlit as st

from dashboard.briefing.group import GroupSpec

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def maker(spec: GroupSpec):
    """What the button runs on a click: the .docx bytes, read through dashboard.data.query."""
    from dashboard import data
    from dashboard.briefing import make_briefing

    return lambda: make_briefing(lambda sql, params=(): data.query(sql, params, cache=False), spec)


def _button(spec: GroupSpec, key: str) -> None:
    st.download_button(
        "生成简报",
        maker(spec),
        file_name=spec.file_name(),
        mime=DOCX,
        key=key,
        icon=":material/description:",
        on_click="ignore",
        help=f"下载 Word 简报：{spec.title()}（图、名次表、说明与资料来源）",
    )


def peer_button(group, keys: list[str] | None = None, key: str = "briefing") -> None:
    """对比 / 排名: a briefing for the page's peer group (dashboard.peers.PeerGroup) and year: the
    chosen indicators on 对比, every indicator the group reports on 排名. A group narrowed to chosen
    places (or to a county's townships) is named by its places."""
    if not group.level or not group.year or not group.places:
        return
    named = bool(group.chosen) or bool(group.county)
    spec = GroupSpec(
        int(group.year),
        group.level,
        province=group.province,
        city=group.city,
        department=group.department,
        keys=tuple(keys) if keys else None,
        places=tuple(group.places) if named else None,
    )
    _button(spec, key=key)
