"""Find the contract's indicators in normalised report text, each with its evidence and offsets.

For every key, the phrasings of the indicator table are tried in order (an earlier rule is a
stronger one: 受理 beats 收到); a match is kept only when its unit fits the key, no veto fires on
the clause (a change, another year, a target, a sub-period) and the value is plausible."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial

from pipeline.parse.framing import framed_as_target, sets_targets
from pipeline.parse.indicators import Indicator, Rule, load_indicators
from pipeline.parse.numerals import parse_figure, qualifier_around
from pipeline.parse.records import Value
from pipeline.parse.structure import in_section, looks_back_over_years, mask_furniture, zero_loss_rate
from pipeline.parse.table_reader import table_values

SENTENCE = re.compile(r"[^。!?\n]+")  # a semicolon parts clauses of one sentence, not sentences
EVIDENCE_BREAKS = frozenset(",;。!?\n:")  # an evidence clause runs between these
# Vetoes look at the list item (同比减少37.5%、败诉率下降至5.41%) and inside a parenthesis: 制度(全区一审
# 行政诉讼案件新收486件 is not about the 出庭 and 败诉 the clause named before it.
VETO_BREAKS = EVIDENCE_BREAKS | {"、", "(", ")"}
EVIDENCE_END = re.compile(r"[,;。!?\n:]")
HAS_FIGURE = re.compile(r"[\d零〇一二两三四五六七八九十百千]")
YEAR = re.compile(r"(20\d\d)年")
# A clause that opens with a named place, then (past an organisation's name) a verb that carries a
# count. 全县/各乡镇/我区 name the jurisdiction itself or its parts as a whole.
PLACE_SUFFIXES = ("街道", "镇", "乡", "县", "区", "市", "旗")
CLAUSE_HEAD = re.compile(
    r"(?:^|(?<=[,;:。!?\n]))(?P<head>[^,;:。!?\n\d]{2,20}?)(?:共|累计|全年)?"
    r"(?:审查|审核|调解|调处|化解|办理|受理|抽查|评查|收到|新收|审结|办结)"
)
TOWN = re.compile(r"[\u4e00-\u9fff]{2,4}(?:街道|(?<!街)镇(?!化)|乡(?![镇村]))")
LEADING_WORDS = re.compile(r"^(?:其中|在|对|向|为|由|经|于|将|把|与|和|及|并|同时|另外|此外)+")
OWN_PLACE = (
    "全",
    "各",
    "我",
    "本",
    "该",
    "市辖",
    "城乡",
    "乡镇",
    "县乡",
    "区县",
    "县区",
    "县市",
    "市县",
    "城镇",
)
FROM_TO = re.compile(r"(?:由|从)[^,;。]{0,20}?(?:提高|提升|上升|下降|降低|降)(?:到|至)(?=[^,;。]{0,12}$)")
# A sentence that opens with another year (2023年,县行政复议机构审结案件52件) speaks of that year.
YEAR_HEAD = re.compile(r"\s*(?:[一二三四五六七八九十]+是|\d+\.)?\s*(20\d\d)年度?(?:全年|以来)?[,:]")
SINCE = re.compile(r"(20\d\d)年?(?:[^\d,;。]{0,12}?以来|至今|起至今|[-—~至]20\d\d年)")  # 自2019年…挂牌以来
EVIDENCE_MAX = 160
# A check on "the sentence so far" rereads this much of what the same check already read in that
# sentence: more than the widest veto, clause head or year span, so a match across the seam is found.
OVERLAP = 64

# The part of a report that plans next year ("三、2025年度法治政府建设工作思路", "三、下阶段工作重点"):
# its figures are targets, not results, so nothing after such a heading is read.
PLAN_HEADING = re.compile(
    r"(?:^|[\n 。|])(?:[一二三四五六七八九十]{1,2}、|\([一二三四五六七八九十]{1,2}\))[^\n。,;]{0,24}?"
    r"(?:(?:工作|主要|重点)(?:安排|思路|计划|打算|设想|目标|展望)|工作重点|下一步|下阶段|今后|明年|努力方向|主要任务)"
    r"[^\n。,;]{0,8}?(?=[\n ]|$)"
)
APPENDIX = re.compile(r"\n(?:附件?\s*\d*\s*[:、]|附表)")
# …but a heading that reports what was done is not a plan: 一、主要工作举措和成效, 二、重点工作完成情况
DONE_HEADING = re.compile(r"成效|成绩|成果|进展|情况|做法|亮点|完成")


@dataclass(frozen=True)
class Extraction:
    values: dict[str, Value]
    skipped: int  # matches whose figure could not be read


def extract_indicators(
    text: str, year: int | None = None, level: str | None = None, jurisdiction: str | None = None
) -> Extraction:
    """Every key the text states, for the report year; absent keys are simply missing. With the
    jurisdiction known, a clause whose subject is another named place is a sub-part of it. Page
    furniture is masked first; a document that looks back over several years, or that sets targets
    (工作要点, a scoring rule), gives nothing."""
    if looks_back_over_years(text) or sets_targets(text):
        return Extraction({}, 0)
    text = mask_furniture(text)
    plan = find_plan(text)
    sentences = split_sentences(text, *plan)
    starts = [s for s, _ in sentences]
    found: dict[str, set[int]] = {}
    follows: dict[str, list[tuple[int, int]]] = {}  # topic → the sentences that follow one naming it
    values: dict[str, Value] = {}
    unreadable = [0]
    so_far = SoFar(text, year, jurisdiction or "")

    def read(ind: Indicator, m: re.Match, sentence_start: int) -> Value | None:
        try:
            value = read_match(text, m, ind, year, level, sentence_start, jurisdiction, so_far)
        except (ValueError, KeyError, ArithmeticError):  # ArithmeticError: a giant figure overflows Decimal
            unreadable[0] += 1
            return None
        return None if value is None or framed_as_target(text, value) else value

    for ind in load_indicators():
        hits: set[int] = set()
        for anchor in ind.anchors:
            if anchor not in found:
                found[anchor] = sentences_holding(text, anchor, sentences, starts)
            hits |= found[anchor]
        spans = [sentences[i] for i in sorted(hits)]
        candidates: list[tuple[Value, int, int]] = []  # (value, rule rank, position)
        for rank, rule in enumerate(ind.rules):
            if candidates and ind.pick == "first":
                break  # the strongest rule that gave a value wins: weaker ones cannot change it
            if rule.levels and level not in rule.levels:
                continue
            if rule.after is not None and rule.after not in follows:
                follows[rule.after] = sorted(
                    {*carried(text, sentences, rule.after), *in_section(text, sentences, rule.after)}
                )
            for s, e in spans if rule.after is None else follows[rule.after]:
                candidates += [(v, rank, v.start) for v in read_rule(rule, text, s, e, partial(read, ind))]
        if candidates:
            values[ind.key] = pick_candidate(candidates, ind.pick)
    for key, value in table_values(text, year).items():  # a table fills what the prose did not say
        if key not in values and not plan[0] <= (value.start or 0) < plan[1]:
            values[key] = value
    if "litigation_loss_rate" not in values and (zero := zero_loss_rate(text, year, plan[0])):
        values["litigation_loss_rate"] = zero
    return Extraction(values, unreadable[0])


def read_rule(
    rule: Rule, text: str, start: int, end: int, read: Callable[[re.Match, int], Value | None]
) -> Iterator[Value]:
    """The values one rule gives in the sentence text[start:end]. After a kept match the search goes
    on from its end; after a ruled-out one from its next character, so a wide match that a veto rules
    out (诉前调解,受理诉前调解案件1,135件) does not hide the one inside it (…成功调解716件). A rule read
    `after` a topic matches only at the head of its sentence."""
    sentence = start
    if rule.after is not None:
        m = rule.pattern.match(text, start, end)
        if m and (value := read(m, sentence)):
            yield value
        return
    while m := rule.pattern.search(text, start, end):
        value = read(m, sentence)
        if value is not None:
            yield value
        start = m.end() if value is not None else m.start() + 1


def carried(text: str, sentences: list[tuple[int, int]], topic: str) -> list[tuple[int, int]]:
    """The sentences whose previous sentence (in the same paragraph) names `topic`: in
    受理行政复议案件47件。审结45件,… the second still speaks of reconsideration. The 。, line breaks and
    topic are found once and bisected: a text without 。 (table lines) is not rescanned per sentence."""
    periods, newlines, topics = positions(text, "。"), positions(text, "\n"), positions(text, topic)
    out = []
    for s, e in sentences:
        p, n = bisect_left(periods, max(0, s - 1)), bisect_left(newlines, s)
        lo = max(periods[p - 1] if p else -1, newlines[n - 1] if n else -1) + 1  # after the 。 or line break
        k = bisect_left(topics, lo)
        if k < len(topics) and topics[k] + len(topic) <= s:
            out.append((s, e))
    return out


def positions(text: str, needle: str) -> list[int]:
    """Every index where `needle` starts in `text`, overlaps included, in order."""
    out, i = [], text.find(needle)
    while i != -1:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def split_sentences(text: str, stop: int, resume: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences that hold a digit or a numeral, before `stop` and from `resume` on."""
    spans = [m.span() for m in SENTENCE.finditer(text, 0, stop) if HAS_FIGURE.search(m.group())]
    if resume is not None and resume < len(text):
        spans += [m.span() for m in SENTENCE.finditer(text, resume) if HAS_FIGURE.search(m.group())]
    return spans


def sentences_holding(
    text: str, anchor: str, sentences: list[tuple[int, int]], starts: list[int]
) -> set[int]:
    """Indexes of the sentences that contain `anchor` (str.find and bisect: no per-sentence scan)."""
    out = set()
    i = text.find(anchor)
    while i != -1:
        k = bisect_right(starts, i) - 1
        if k >= 0 and i + len(anchor) <= sentences[k][1]:
            out.add(k)
        i = text.find(anchor, i + 1)
    return out


def find_plan(text: str) -> tuple[int, int]:
    """(start, end) of the next-year plan section, or (len, len) when there is none. The plan runs to
    the end, or to an appendix after it (附:2021年度主要工作数据), whose figures are results again."""
    for m in PLAN_HEADING.finditer(text):
        if not DONE_HEADING.search(m.group()):
            after = APPENDIX.search(text, m.end())
            return m.start() + 1, after.start() + 1 if after else len(text)
    return len(text), len(text)


def read_match(
    text: str,
    m: re.Match,
    ind: Indicator,
    year: int | None,
    level: str | None = None,
    sentence_start: int = 0,
    jurisdiction: str | None = None,
    so_far: SoFar | None = None,
) -> Value | None:
    """A Value for one pattern match, or None when the unit, a veto or the range rules it out.
    `so_far` answers the checks on the sentence up to the figure (shared by a text's matches)."""
    fig_start, fig_end = m.span("fig")
    unit = m.group("unit") or ""
    number, qualifier = parse_figure(m.group("fig"))
    if ind.kind == "rate":
        if unit != "%" and not (unit == "" and (number == 0 or m.group("fig").startswith("百分之"))):
            return None
    elif unit not in ind.units:
        return None
    if unit:
        fig_end = m.end("unit")
    if ind.kind == "count":
        if number != int(number):
            return None
        number = int(number)
    lo, hi = ind.range
    if not lo <= number <= hi:
        return None
    # Vetoes look at the figure's own clause: a wide match ({W}) may start clauses earlier. The
    # old level of a change to this one (由2020年的67%提高到93.2%) is not looked at.
    context = FROM_TO.sub("", text[clause_start(text, fig_start, VETO_BREAKS) : fig_end])
    if ind.veto.search(context) or mentions_other_year(context, year):
        return None
    so_far = so_far or SoFar(text, year, jurisdiction or "")
    if level != "township" and ind.subpart_veto and so_far.holds(ind.subpart_veto, sentence_start, fig_start):
        return None
    if ind.sentence_veto and so_far.holds(ind.sentence_veto, sentence_start, fig_start):
        return None
    if so_far.spans_other_years(sentence_start, fig_start):
        return None
    if so_far.holds(CLAUSE_HEAD, sentence_start, fig_start, so_far.another_place):
        return None
    if qualifier == "exact":
        qualifier = qualifier_around(text, fig_start, fig_end) or "exact"
    return Value(
        key=ind.key,
        value=number,
        unit=unit or "%",
        qualifier=qualifier,
        derived=False,
        evidence=evidence_clause(text, min(m.start(), fig_start), fig_end),
        start=fig_start,
        end=fig_end,
    )


def pick_candidate(candidates: list[tuple[Value, int, int]], pick: str) -> Value:
    """The strongest rule's first figure; or, for totals, the largest figure."""
    if pick == "max":
        return max(candidates, key=lambda c: (c[0].value, -c[1], -c[2]))[0]
    return min(candidates, key=lambda c: (c[1], c[2]))[0]


class SoFar:
    """Checks on the sentence up to a figure, asked again for every figure of the sentence. Each is
    answered from what the same check already read there (plus OVERLAP), so a long sentence is read
    about once, not once per figure: a text without sentence ends stays linear."""

    def __init__(self, text: str, year: int | None, jurisdiction: str) -> None:
        self.text, self.year, self.jurisdiction = text, year, jurisdiction
        self.known: dict[tuple, tuple[int, int | None]] = {}  # check → (read clean up to, end of a hit)

    def holds(
        self, rx: re.Pattern, start: int, end: int, keep: Callable[[re.Match], bool] | None = None
    ) -> bool:
        """A match of `rx` (that `keep` accepts, when given) lies inside text[start:end]."""
        key = (rx, keep, start)
        clean, hit = self.known.get(key, (start, None))
        if hit is not None and hit <= end:
            return True
        if end <= clean:
            return False
        for m in rx.finditer(self.text, max(start, clean - OVERLAP), end):
            if keep is None or keep(m):
                self.known[key] = (clean, m.end())
                return True
        self.known[key] = (end, hit)
        return False

    def another_place(self, m: re.Match) -> bool:
        """A clause opens with a named place that is not the jurisdiction (西陵街道“和事佬”调解室全年调处…
        in the 西陵区 report, 汇川区全年调处… in the 遵义市 one): its figure is a part. With the
        jurisdiction unknown (""), every named place is another one."""
        name = place_at(m["head"])
        return bool(name) and not same_place(name, self.jurisdiction)

    def other_year(self, m: re.Match) -> bool:
        return int(m[1]) != self.year

    def spans_other_years(self, start: int, end: int) -> bool:
        """The sentence opens with another year (2023年,…) or counts from one on (自2020年以来, 2021年至今,
        2019—2024年): the figure is not the report year's."""
        if self.year is None:
            return False
        head = YEAR_HEAD.match(self.text, start, end)
        return bool(head and int(head[1]) != self.year) or self.holds(SINCE, start, end, self.other_year)


@lru_cache(maxsize=4096)
def place_at(head: str) -> str | None:
    """The place name a clause opens with: a unit of the division table (汇川区) or a township-like
    name (西陵街道, 城关镇); None for 全县, 各乡镇, 健全区、街道… and other words."""
    from pipeline.parse.metadata import load_places

    head = LEADING_WORDS.sub("", head)
    if head.startswith(OWN_PLACE):
        return None
    names = load_places().names
    for k in range(min(8, len(head)), 1, -1):
        name = head[:k]
        if (name in names or TOWN.fullmatch(name)) and len(head) - k <= 10:
            return name  # the place and at most an office's name before the verb: 西陵街道“和事佬”调解室
    return None  # 会同市中级人民法院建立… opens with a word (会同), not with 会同县


def same_place(name: str, jurisdiction: str) -> bool:
    """长阳县 is 长阳土家族自治县; 西陵街道 is not 西陵区: the same suffix, and the stem starts the name."""
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix):
            return jurisdiction.endswith(suffix) and jurisdiction.startswith(name[: -len(suffix)])
    return name == jurisdiction


def mentions_other_year(context: str, year: int | None) -> bool:
    return year is not None and "年" in context and any(int(y) != year for y in YEAR.findall(context))


def clause_start(text: str, pos: int, breaks: frozenset[str]) -> int:
    """Start of the clause holding `pos` (just after the previous break)."""
    lo = max(0, pos - EVIDENCE_MAX)
    for i in range(pos - 1, lo - 1, -1):
        if text[i] in breaks:
            return i + 1
    return lo


def evidence_clause(text: str, start: int, end: int) -> str:
    """The clause (between commas / sentence ends) that holds text[start:end]."""
    s = clause_start(text, start, EVIDENCE_BREAKS)
    m = EVIDENCE_END.search(text, end, min(len(text), end + EVIDENCE_MAX))
    return text[s : m.start() if m else min(len(text), end + EVIDENCE_MAX)].strip()
