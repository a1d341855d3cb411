"""Report text shown safely: every Markdown/HTML-significant character is escaped, so a report's
`<script>`, `**bold**`, `:red[…]` or `$x$` shows as written; only our own highlight is markup."""

from __future__ import annotations

import html
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


_SENTENCE_END = "。！？；!?;\n"


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around text[start:end]: from after the previous 。！？； (or line break) to the next
    one, included."""
    left = max((text.rfind(c, 0, start) for c in _SENTENCE_END), default=-1) + 1
    ends = [i for i in (text.find(c, end) for c in _SENTENCE_END) if i >= 0]
    right = min(ends) + 1 if ends else len(text)
    return left, right


def highlight_html(text: str, figures: list[tuple[int, int]]) -> str:
    """The whole text as escaped HTML (report text never becomes markup), each figure's sentence in a
    yellow mark and the figure itself in a stronger orange one; the first figure gets id="ev-fig"
    so the page can scroll to it. Bad offsets are skipped."""
    figs = sorted((s, e) for s, e in figures if 0 <= s < e <= len(text))
    sentences: list[list[int]] = []
    for s0, s1 in sorted(sentence_span(text, s, e) for s, e in figs):
        if sentences and s0 < sentences[-1][1]:
            sentences[-1][1] = max(sentences[-1][1], s1)  # two figures in one sentence: one mark
        else:
            sentences.append([s0, s1])
    out, at, first = [], 0, True
    for s0, s1 in sentences:
        out += [_esc(text[at:s0]), '<mark class="ev-sentence">']
        at = s0
        for f0, f1 in figs:
            if s0 <= f0 and f1 <= s1 and f0 >= at:
                ident = ' id="ev-fig"' if first else ""
                first = False
                out += [_esc(text[at:f0]), f'<mark class="ev-figure"{ident}>', _esc(text[f0:f1]), "</mark>"]
                at = f1
        out += [_esc(text[at:s1]), "</mark>"]
        at = s1
    out.append(_esc(text[at:]))
    return "".join(out)


def _esc(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


TEXT_STYLE = """<style>
.ev-text { line-height: 1.9; font-size: 15px; max-height: 520px; overflow-y: auto;
  border: 1px solid #d4d4d8; border-radius: 6px; padding: 12px 16px; }
.ev-text mark.ev-sentence { background: #fde047; color: inherit; padding: 2px 0; }
.ev-text mark.ev-figure { background: #ea580c; color: #fff; font-weight: 700; padding: 1px 3px;
  border-radius: 3px; outline: 2px solid #9a3412; }
</style>"""

SCROLL_SCRIPT = """<script>
setTimeout(() => { const el = document.getElementById("ev-fig");
  if (el) el.scrollIntoView({block: "center"}); }, 300);
</script>"""


def evidence_html(text: str, figures: list[tuple[int, int]]) -> str:
    """The styled, highlighted full text with the script that brings the first figure into view."""
    return f'{TEXT_STYLE}<div class="ev-text">{highlight_html(text, figures)}</div>{SCROLL_SCRIPT}'
