"""Assertions about figures in text, shared by the extraction and hardening tests."""

from __future__ import annotations

from pipeline.parse.patterns import FIGURE_RE


def is_figure_at(text: str, start: int, end: int) -> bool:
    """text[start:end] is one whole figure as the grammar reads it there (its lookbehinds see the
    text before it: 百次 is a figure only after 近/上/逾)."""
    m = FIGURE_RE.match(text, start)
    return m is not None and m.end() == end
