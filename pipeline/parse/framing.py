"""How a figure is framed around it: a result, or a target, a threshold or a slogan that only looks
like one.

Rules find a key's name and its figure; these checks look at the words right around the figure
(不少于4次, 控制在5%以内, 达到100%的得满分, “出庭应诉率100%”) and at the document's title (工作要点,
评估工作的通知): what a plan or a scoring rule asks for is not what a jurisdiction did."""

from __future__ import annotations

import re

from pipeline.parse.records import Value

# Right before the figure: a floor or a ceiling (每年学法不少于4次, 抽查案卷不少于100卷).
BOUND_BEFORE = re.compile(r"(?:不少于|不低于|不超过|不高于|至少|最多|最少|少于|多于|低于|高于)$")
BEFORE_CHARS = 3
BOUND_LAST = frozenset("于过多少")  # the last character of every bound: a cheap test before the pattern
# Right after the figure and its unit: a limit (控制在5%以内), or a condition of a scoring rule or an
# attribute of some units (达到100%的得满分, 败诉率在5%以内的, 出庭应诉率100%的单位, …100%的目标).
FRAMED_AFTER = re.compile(
    r"^(?:以内|以下|及以下)"
    r"|^(?:以上|及以上)?的(?:得|扣|加|单位|地区|部门|地方|县|市|区|乡镇|目标|要求|标准)"
)
AFTER_FIRST = frozenset("以及的")
# A figure that closes a quotation which opened in its own clause: a slogan (“出庭应诉率100%”).
QUOTE_OPEN, QUOTE_CLOSE = '“"', '”"'
CLAUSE_BREAKS = frozenset(",;。!?\n:")

# The title of a document that sets tasks rather than reports them: 2024年全县法治政府建设工作要点,
# 关于开展…评估工作的通知. A title that reports (报告, 总结, 情况, 综述) is never one of these.
PLAN_TITLE = re.compile(
    r"(?:工作要点|工作计划|工作方案|实施方案|行动方案|考核办法|考核细则|评估指标|指标体系|评分标准|的通知)$"
)
REPORT_TITLE = re.compile(r"报告|总结|情况|综述|成效|白皮书|统计|通报|发布|公布")
NOT_A_TITLE = re.compile(r">|\||首页|当前位置|栏目")
TITLE_MIN = 8


def framed_as_target(text: str, value: Value) -> bool:
    """The figure of `value` is bounded, conditioned or quoted: a target or a rule, not a result."""
    start, end = value.start or 0, value.end or 0
    if (
        start
        and text[start - 1] in BOUND_LAST
        and BOUND_BEFORE.search(text, max(0, start - BEFORE_CHARS), start)
    ):
        return True
    after = text[end : end + 1]
    if after in AFTER_FIRST and FRAMED_AFTER.match(text[end : end + 8]):
        return True
    return after in QUOTE_CLOSE and opens_quote(text, start)


def opens_quote(text: str, pos: int) -> bool:
    """A quotation mark opens between the start of pos's clause and pos, and does not close there."""
    for i in range(pos - 1, max(-1, pos - 40), -1):
        ch = text[i]
        if ch in CLAUSE_BREAKS or ch in QUOTE_CLOSE:
            return False
        if ch in QUOTE_OPEN:
            return True
    return False


def sets_targets(text: str) -> bool:
    """The document's title names a plan, a scoring rule or a notice: its figures are asked for."""
    for line in text.split("\n"):
        line = line.strip()
        if len(line) < TITLE_MIN or NOT_A_TITLE.search(line):
            continue
        return bool(PLAN_TITLE.search(line)) and not REPORT_TITLE.search(line)
    return False
