"""Report text shown safely: every Markdown/HTML-significant character is escaped, so a report's
`<script>`, `**bold**`, `:red[…]` or `$x$` shows as written; only our own highlight is markup."""

from __future__ import annotations

import re

# CommonMark lets any ASCII punctuation be backslash-escaped; Streamlit's extras (:color[..],
# :emoji:, $math$) are built from the same characters, so escaping them all disarms everything.
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def escape_markdown(text: str, at_line_start: bool = True) -> str:
    """Text that st.markdown shows literally, line breaks kept (indentation dropped: no code blocks)."""
    lines = text.replace("\r", "").split("\n")
    lines = [line if (n == 0 and not at_line_start) else line.lstrip() for n, line in enumerate(lines)]
    return "  \n".join(_PUNCT.sub(r"\\\1", line) for line in lines)


def highlight_markdown(text: str, start: int | None, end: int | None) -> str:
    """The whole text escaped, with text[start:end] marked by a highlight; bad offsets mark nothing."""
    if start is None or end is None or not (0 <= start < end <= len(text)):
        return escape_markdown(text)
    figure = escape_markdown(text[start:end].replace("\n", " "), at_line_start=False)
    return (
        escape_markdown(text[:start])
        + f":orange-background[【{figure}】]"
        + escape_markdown(text[end:], at_line_start=False)
    )


def context_window(text: str, start: int | None, end: int | None, width: int = 80) -> str:
    """The figure with `width` characters either side, for a quick look before the full text."""
    if start is None or end is None or not (0 <= start < end <= len(text)):
        return ""
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    return f"…{before}【{text[start:end]}】{after}…".replace("\n", " ")
