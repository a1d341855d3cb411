"""生成简报: the peer group's figures as a Word briefing (python -m dashboard.briefing, and the
button on 对比 / 排名). gather reads, facts states, pictures draws, word typesets, compose orders."""

from __future__ import annotations

from datetime import date

from dashboard.briefing.group import BriefingError, GroupSpec

__all__ = ["BriefingError", "GroupSpec", "make_briefing"]


def make_briefing(q, spec: GroupSpec, made: date | None = None) -> bytes:
    """The .docx bytes of the briefing for `spec`, read through the query callable `q`."""
    from dashboard.briefing.compose import compose
    from dashboard.briefing.gather import gather

    return compose(gather(q, spec), made)
