"""What a page is made of, before any rule reads it: page furniture, a document that looks back
over several years, and zeros written in words.

Rules read sentences; these stages decide which text is a report's own prose at all. Masking keeps
every offset: furniture becomes spaces of the same length, so a value still points at its figure."""

from __future__ import annotations

import re

from pipeline.parse.records import Value

# A line of a web page's furniture: a news list item or related link that ends with its date
# (…受理行政复议案件352件2023-12-18), the page's counters and catalogue fields (浏览次数: 1024,
# 索引号: 000014349/2024-06118, 发布时间), a date line. Figures there are not the report's.
FURNITURE_LINE = re.compile(
    r"^.{0,80}?(?:20\d\d[-./]\d{1,2}[-./]\d{1,2}|20\d\d年\d{1,2}月\d{1,2}日)(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*$"
    r"|^.{0,80}?(?:浏览次数|浏览量|阅读量|阅读数|点击量|点击数|访问量|索引号|发布时间|发布日期|发文日期|信息来源|字体[::]?\s*【).{0,80}$"
)
FURNITURE_MAX = 120  # a line longer than this is prose, whatever it ends with
# A reference mark ([2], [12]) after a phrase of a wiki-like page: not a figure.
REFERENCE_MARK = re.compile(r"\[\d{1,3}\]")

# The opening of a document that looks back over several years (县司法局关于2021-2025年度…工作总结,
# “十四五”以来,…, 金华市“十四五”法治政府建设工作回顾, 苏州市公布“十四五”时期法治建设“成绩单”): its figures are sums over the span,
# not one year's. Only the first line is looked at, without 《titles》 and (asides), where a report
# names the plan it follows (《法治政府建设实施纲要(2021-2025年)》).
SPAN_OPENING = re.compile(
    r"20\d\d\s*年?\s*(?:[-—–~]|至|到)\s*20\d\d\s*年|十[一二三四五]五”?(?:时期|以来|期间|[^,;。]{0,12}?(?:回顾|总结|成绩单))|[三五十]年来|近[三五十]年(?:来|以来)"
)
ASIDE = re.compile(r"《[^》]*》|\([^)]*\)")
OPENING_CHARS = 40


def mask_furniture(text: str) -> str:
    """The text with page-furniture lines and reference marks blanked (same length, same offsets)."""
    if "[" in text:
        text = REFERENCE_MARK.sub(lambda m: " " * len(m.group()), text)
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if len(line) <= FURNITURE_MAX and FURNITURE_LINE.search(line):
            lines[n] = " " * len(line)
    return "\n".join(lines)


def looks_back_over_years(text: str) -> bool:
    """The document opens by naming a span of years: a review, not one year's report."""
    for line in text.split("\n"):
        if len(line.strip()) >= 8:
            return bool(SPAN_OPENING.search(ASIDE.sub("", line.strip()[:OPENING_CHARS])))
    return False


# Zeros written in words: the year's administrative lawsuits lost none (零败诉, 无一败诉, (无行政败诉)).
# A slogan or a span is not a rate: “零败诉”单位, 连续五年保持零败诉, 确保零败诉, 自…以来.
# 未发生败诉 is left out: it is said as often of a year with no lawsuit at all.
ZERO_LOSS = re.compile(r"(?<![“\"])(?:零败诉|无一败诉|无(?:一起|一件)?行政(?:诉讼)?败诉)(?![”\"])")
ZERO_VETO = re.compile(r"连续|以来|保持|确保|力争|争创|创建|争取|目标|单位|示范|典型|十[一二三四五]五|年来")
ZERO_BREAKS = re.compile(r"[。!?\n;]")
LITIGATION = re.compile(r"诉讼|应诉|被诉|判决|审结")
OTHER_YEAR = re.compile(r"(20\d\d)年")


def zero_loss_rate(text: str, year: int | None, stop: int) -> Value | None:
    """A loss rate of 0 from the first sentence before `stop` that says no lawsuit was lost, when the
    sentence speaks of lawsuits, of no other year, and not of a span or a target."""
    for m in ZERO_LOSS.finditer(text, 0, stop):
        s = max((b.end() for b in ZERO_BREAKS.finditer(text, max(0, m.start() - 200), m.start())), default=0)
        e_match = ZERO_BREAKS.search(text, m.end())
        e = e_match.start() if e_match else len(text)
        sentence = text[s:e]
        if ZERO_VETO.search(sentence) or not LITIGATION.search(sentence):
            continue
        if year is not None and any(int(y) != year for y in OTHER_YEAR.findall(sentence)):
            continue
        return Value(
            key="litigation_loss_rate",
            value=0,
            unit="%",
            qualifier="exact",
            derived=False,
            evidence=sentence.strip(),
            start=m.start(),
            end=m.end(),
        )
    return None


# Headings of a report or a statistics page, by rank: 一、 > (一) > 1. A heading line is short and has
# no sentence in it, or is a short heading run into its paragraph (1.受理情况。依法受理…).
HEADING = re.compile(  # matched in "\n" + text: the leading newline lets the search skip ahead fast
    r"\n[ \t]*(?:(?P<r0>[一二三四五六七八九十]{1,3}、)|(?P<r1>\([一二三四五六七八九十]{1,3}\))|(?P<r2>\d{1,2}[.、](?!\d)))"
    r"(?P<title>[^。\n]{1,24}?)[ \t]*(?=[。\n])",
)
# A heading that names another topic beside the one sought (行政复议和行政应诉) does not scope it.
SECTION_TOPICS = ("复议", "诉讼", "应诉", "信访", "调解", "仲裁", "执法", "法律援助", "普法")


def in_section(text: str, sentences: list[tuple[int, int]], topic: str) -> list[tuple[int, int]]:
    """The sentences under a heading that names `topic` alone (一、行政复议案件情况 … 2.受理情况。
    依法受理7,645件): a verb at their head still speaks of that topic."""
    ranges: list[tuple[int, int]] = []  # spans of text whose enclosing headings name the topic
    stack: dict[int, str] = {}
    section_start: int | None = None
    for m in HEADING.finditer("\n" + text + "\n"):  # heading lines only (offsets: one more than text's)
        rank = 0 if m["r0"] else 1 if m["r1"] else 2
        stack = {r: t for r, t in stack.items() if r < rank} | {rank: m["title"]}
        scoped = names_topic_alone(" ".join(stack.values()), topic)
        if scoped and section_start is None:
            section_start = m.start()  # the heading's own line (m starts at the newline before it)
        elif not scoped and section_start is not None:
            ranges.append((section_start, m.start()))
            section_start = None
    if section_start is not None:
        ranges.append((section_start, len(text)))
    return [(s, e) for s, e in sentences if any(a <= s < b for a, b in ranges)] if ranges else []


def names_topic_alone(headings: str, topic: str) -> bool:
    return topic in headings and not any(t in headings for t in SECTION_TOPICS if topic not in t)
