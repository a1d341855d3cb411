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


def compare_button(year: int, level: str, places: list[str], keys: list[str]) -> None:
    """对比: the chosen indicators for the places on screen (the default group or the user's choice)."""
    _button(GroupSpec(int(year), level, keys=tuple(keys), places=tuple(places)), key="briefing_compare")


def rank_button(group: dict) -> None:
    """排名: every indicator the peer group (level, province, city, year) reports."""

    def opened(v):
        return None if v in (None, "", "全部") else v

    spec = GroupSpec(
        int(group["year"]), group["level"], province=opened(group["province"]), city=opened(group["city"])
    )
    _button(spec, key="briefing_rank")
