"""The figure grammar and the macros used by the indicator table's patterns.

A pattern in indicators.toml is a regular expression with three macros:
  {N}  the figure and its unit: named groups `fig` (e.g. 2万余, 86, 二十余, 百分之百) and `unit`
  {G}  a short gap inside one clause (no digits, no clause or list break but one closed parenthesis)
  {W}  a wider gap inside one sentence that may cross commas but not a change of topic
  {S}  the rest of the sentence: crosses semicolons, commas and figures, but not a change of topic
       (审结1,987件 after `复议…受理2,105件;` still speaks of reconsideration)
"""

from __future__ import annotations

import re

from pipeline.parse.numerals import CN_NUMERAL_CHARS, COUNT_UNITS, MONEY_UNITS, RATE_UNITS

CN = f"[{CN_NUMERAL_CHARS}]"
# An Arabic number (thousands separators only before exactly three digits), an optional 万/亿/千,
# then an optional 余/多 (or 余/多 then 万/亿: 30余万); or 百分之…; or Chinese numerals of at least two characters, or one
# numeral followed by 余/多 (二十余, 两千, 十余).
FIGURE = (
    # …then 2万余 or 1750余万 (the qualifier before 万: 30多万人次)
    r"(?<![\d.])(?:\d{1,3}(?:,\d{3})+(?![\d])|\d+)(?:\.\d+)?"
    r"(?:[万亿千](?![元]?[\d])(?:余|多)?|(?:余|多)(?:[万亿](?![元]?[\d]))?)?"
    rf"|百分之(?:百|{CN}+(?:点{CN}+)?|\d+(?:\.\d+)?)"
    rf"|(?<!{CN}){CN}{{2,}}(?:余|多)?|(?<!{CN}){CN}(?:余|多)"
    # one numeral right before a count unit (六次, 十件) — but not 一, which is mostly a word (一次性)
    rf"|(?<!{CN})[二两三四五六七八九十](?=[件次个项起宗卷份场家户人条批名])"
    # a round hundred, thousand or ten thousand after 近/上/逾 (近百次, 上千件, 近万人次)
    rf"|(?<=[近上逾])[百千万](?=[件次个项起宗卷份场家户人条批名])"
    # 零 standing alone before a clause break: 败诉率为零。
    rf"|(?<!{CN})零(?=[,;。!?%\n]|$)"
)
UNITS = "|".join(sorted((*COUNT_UNITS, *RATE_UNITS, *MONEY_UNITS), key=len, reverse=True))
FIGURE_WITH_UNIT = rf"(?P<fig>{FIGURE})(?P<unit>{UNITS})?"

CLAUSE_BREAKS = ",;。:!?、()\n"
SENTENCE_BREAKS = "。;!?\n"
# A topic change ends the wider gap {W}: a clause about litigation is not about reconsideration.
TOPIC_SWITCH = "复议|诉讼|应诉|审判|信访|仲裁|调解|执法|普法|法律援助|法律咨询|公证"
# {S} runs further, so it stops at fewer words: 调解、和解 is part of a reconsideration's outcome.
SENTENCE_TOPIC_SWITCH = (
    "诉讼|应诉|审判|信访|仲裁|人民调解|矛盾纠纷|执法|普法|法律援助|法律咨询|公证|信息公开|热线"
)

PAREN = r"\((?![^()]{0,30}?(?:结转|上年|旧存))[^()\d。;!?\n]{1,30}\)"

MACROS = {
    "{N}": FIGURE_WITH_UNIT,
    # …and may hold one parenthesis without figures: 全年结案(包括案前调解、不予受理)86件. One that
    # names carried-over cases (含上年结转) is left out: the figure is then not the year's own.
    "{G}": rf"[^\d{re.escape(CLAUSE_BREAKS)}]{{0,8}}?(?:{PAREN}[^\d{re.escape(CLAUSE_BREAKS)}]{{0,4}}?)?",
    "{W}": rf"(?:(?!{TOPIC_SWITCH})[^{re.escape(SENTENCE_BREAKS)}]){{0,40}}?",
    "{S}": rf"(?:(?!{SENTENCE_TOPIC_SWITCH})[^。!?\n]){{0,100}}?",
}


def compile_pattern(pattern: str) -> re.Pattern:
    """Expand the macros of one table pattern; a pattern must hold exactly one {N}."""
    if pattern.count("{N}") != 1:
        raise ValueError(f"pattern must contain {{N}} exactly once: {pattern!r}")
    for macro, rx in MACROS.items():
        pattern = pattern.replace(macro, rx)
    return re.compile(pattern)


FIGURE_RE = re.compile(FIGURE_WITH_UNIT)
# Runs of digits or of numerals: every figure starts at the start of one. Finding the runs first and
# trying the full grammar only there is ~3x faster than scanning every position with FIGURE_RE.
NUMERAL_RUNS = re.compile(rf"\d+|{CN}+")


def iter_figures(text: str):
    """Yield the FIGURE_RE matches of `text`, left to right, as FIGURE_RE.finditer would."""
    end = 0
    for run in NUMERAL_RUNS.finditer(text):
        if run.end() <= end:
            continue
        m = FIGURE_RE.match(text, max(run.start(), end))
        if m and m.end() > m.start():
            end = m.end()
            yield m
