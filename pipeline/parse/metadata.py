"""Find who published a report and which year it describes (spec: Report metadata).

Every signal on the page proposes a subject (a place, a township, a department, or only a level):
the title, the page header fields (发布机构, 来源, 栏目), the opening sentence (after clauses such as
`在县委、县政府的坚强领导下,`), a report a news item quotes (《某市2022年…报告》), `现将…情况报告如下`,
the signature, the 索引号's division code when the text says only `我县`, `我县`/`全省` with the place
the text names most. The first one in that order of trust gives the jurisdiction; the others, the division
code of an 索引号 or 统一社会信用代码 and the superior an addressee line names (`中共某州委、某州人民政府:`)
are context that settles a name shared by several places (18 places are called 桥头镇). A name the
context does not settle keeps province, city and county null. `sources` says which signal decided
each field. Only the head, the tail and a few targeted searches are scanned.

Decisions: a municipality's district has the municipality as its city; the municipality's own
government is level province with city null; a county-level unit ruled by its province (济源市) has
city null. A former name (郫县, 2016) lands on today's unit but is reported as written. A department's
report has the department's government as jurisdiction, level `department`; whole-country figures
(全国…, 司法部 as the speaker) are level `national`, jurisdiction `全国`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipeline.parse.places import Place, Places, load_places
from pipeline.parse.records import Metadata

__all__ = ["Place", "Places", "find_metadata", "load_places", "match_at", "match_before"]

HEAD, TAIL = 900, 300  # characters scanned for the title/header/opening and for the signature
# Lines that are never the title: portal labels and the report's own outline headings.
NOT_TITLE = re.compile(
    r"\s*(?:索\s*引\s*号|信息索引号|发布机构|当前位置|您当前的位置|文章来源|信息来源|来源|作者|发布时间|发布日期|成文日期|"
    r"文件编号|组配分类|有效性|主题分类|点击|浏览|首页|[一二三四五六七八九十]+、|\(?[一二三四五六七八九十\d]+[).、])"
)
TITLE_WORDS = re.compile(
    r"(?:法治|依法行政|行政复议|行政诉讼|行政应诉|调解|司法).*(?:报告|情况|总结|统计|白皮书)"
)
TITLE_PREFIX = re.compile(
    r"^(?:\s*[\[【(][^\]】)]{1,10}[\]】)]|\s*中共\S{1,20}?委(?:员会)?[\s、,和与]*|\s*关于|\s*20\d\d年度?|\s+"
    r"|\s*第[一二三四五六七八九十]{1,3}师(?=\S{2,4}市))+"  # 兵团 `第八师石河子市`: the 师 and its city are one
)
GOVERNMENT = ("人民政府", "政府", "办事处", "街道办事处")
TOWNSHIP = re.compile(r"\s*(?P<body>[\u4e00-\u9fff]{2,7}?)(?:镇(?!化)|乡(?![镇村])|街道|苏木)")
TOWNSHIP_STOP = set("我本全各该在的县市省乡镇区")
NOT_TOWNSHIP = ("城镇", "城乡")
DEPARTMENT = re.compile(r"\s*([\u4e00-\u9fff]{1,12}?(?:局|厅|委员会|办公室|管理委员会))(?![长])")
NOT_DEPARTMENT = tuple("格局 大局 布局 全局 开局 党委 县委 市委 区委 省委 镇委 乡委 大厅 结局 当局".split())
UNKNOWN_PLACE = re.compile(r"\s*([\u4e00-\u9fff]{2,8}?(?:新区|[县市区旗州盟]))(?=人民政府|关于|20\d\d|\s|$)")
NOT_DIVISION = ("新区", "开发区", "园区", "试验区", "示范区")  # not in the table: no level of their own
SUFFIX_LEVEL = {"省": "province", "州": "prefecture", "盟": "prefecture"} | dict.fromkeys("县区旗", "county")
# The opening: a year, `今年以来`…, then up to three clauses such as `在县委、县政府的坚强领导下,`.
OPENING = re.compile(
    r"(?:(?<![\d\-~至—])(20\d\d)\s*年(?!\s*\d{0,2}\s*月)(?P<since>以来)?度?|今年以来|近年来|一年来|[“\"]?十[一二三四五]五[”\"]?(?:时期)?以来"
    r"|(?m:^)(?=在))\s*,?\s*"
    r"(?P<clauses>(?:(?:在|按照|根据|围绕|坚持)[^,。\n]{0,50}?(?:下|之际|要求|部署|中心|上|中),\s*){0,3})"
)
# What follows the year of an opening (`2023年,` `2023年度` `2022年在区委…`); else, inside a paragraph,
# it is an event (`2004年撤县设市`) unless a place follows (`2021年通州区积极推动…`).
YEAR_OPENS = re.compile(r"\s*(?:度|以来)?\s*[,、:是里中内全我在本今]")
REPORT_AS = re.compile(
    r"现将\s*(?:20\d\d年度?)?([^,。\n]{2,40}?)(?:20\d\d年度?)?[^,。\n]{0,20}?(?:报告|汇报|公开)如下"
)
ADDRESSEE = re.compile(r"(?m)^[ \t]*((?:中共)?[\u4e00-\u9fff、 ]{2,40}?)[ \t]*:[ \t]*$")
SIGNATURE = re.compile(r"(20\d\d)\s*年\s*\d{0,2}\s*月\s*\d{0,2}\s*日")
SIGNER_SUFFIX = ("人民政府", "政府", "办事处", "局", "委员会", "办公室", "厅")
TITLE_PARTS = re.compile(r"\s*[_|–—]+\s*")  # `报告标题_海盐县人民政府`
LINES = re.compile(r"[^\n|]+")  # portal pages put the title in a table cell: `| 标题 |`
SENTENCE_MARKS = re.compile("[,。;]")
YEAR = re.compile(r"(?<![\d\-~至—])(20\d\d)\s*年(?!\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
YEARBOOK = re.compile(r"(20\d\d)\s*卷")
SUMMED_UP = re.compile(
    r"(?:总结|回顾)了?[\u4e00-\u9fff]{0,4}?(20\d\d)\s*年"
)  # 总结2023年工作, 回顾了全市2023年
DATED = re.compile(r"(?<!\d)(20\d\d)(?:-|/|\s*年\s*)(\d{1,2})(?:-|/|\s*月\s*)\d{1,2}(?!\d)")
YEAR_RANGE = re.compile(r"20\d\d\s*[-~至—–]+\s*20\d\d\s*年")  # `2023—2024年度`: two years, not one
# A page about several places' reports (`各地州市陆续公开…`): none of them is the publisher.
SEVERAL = re.compile(r"\s*(?:各地|多地|各[省市县区州盟旗]|[省市州]内各地)")
SPAN = re.compile(r"十[一二三四五]五|[三五十]年来|近年来")  # a page about several years has no one year
# A report's title quoted in a news item: `《上海市2022年法治政府建设情况的报告》日前公布`.
QUOTED_REPORT = re.compile(r"《([^《》\n]{6,60}?(?:报告|总结))》")
ROC_YEAR = re.compile(r"(?<!\d)(1[01]\d|9\d)\s*年")  # 民国纪年 (108年 = 2019) in Taiwan's pages
NAMED_GOVERNMENT = ("县", "市", "区", "旗")  # the fallback counts `XX县/市/区/旗人民政府`
# Page header fields that name the publisher: `发布机构: 白鹤街道`, `来源:静海区人民政府办公室`.
HEADER = re.compile(
    r"(发布机构|信息来源|文章来源|来源|栏目|责任部门)\s*[\]】:|]?\s*[::]?\s*\|?\s*([\u4e00-\u9fff]{2,20})"
)
CODE = re.compile(
    r"(?:索\s*引\s*号|信用代码)[^\n\d]{0,12}(?:(?<![0-9A-Z])1[1-9](\d{6})[0-9A-Z]{10}(?![0-9A-Z])|(\d{6})/(?:19|20)\d\d)"
)
OWN = re.compile(r"我(省|区|市|州|盟|县|旗|镇|乡|街道|局|厅|委)")
WHOLE = re.compile(r"全(省|市|州|县|旗|镇|乡|街道)|(省|市|州|县|区|镇)委、\2政府")
OWN_LEVEL = {
    "省": "province",
    "市": "prefecture",
    "州": "prefecture",
    "盟": "prefecture",
    "县": "county",
    "旗": "county",
    "镇": "township",
    "乡": "township",
    "街道": "township",
}
NATIONAL = re.compile(r"全国(?:各级)?(?:行政复议机关|法院|人民法院|司法行政|共|各地|法律援助|人民调解)")
DEPT_SHORT = re.compile(r"(?<![\u4e00-\u9fff])(?:省|市|区|县)?(司法厅|司法局)")


@dataclass(frozen=True)
class Subject:
    """What one signal says about the publisher: its name as written, level, department, places."""

    signal: str  # 标题 | 发布机构 | 来源 | 栏目 | 开头 | 落款 | 我县 … | 全文
    name: str | None
    level: str | None
    department: str | None
    places: tuple[Place, ...]
    explicit: bool = False  # `XX人民政府` written out: a government's own report


def match_at(s: str, p: int, table: Places) -> tuple[str, tuple[Place, ...]] | None:
    """The longest county-or-above name written at s[p:]."""
    if s[p : p + 1] not in table.firsts:
        return None
    for k in range(min(table.longest, len(s) - p), 1, -1):
        if (places := table.names.get(s[p : p + k])) is not None:
            return s[p : p + k], places
    return None


def match_before(s: str, i: int, table: Places) -> tuple[str, tuple[Place, ...]] | None:
    """The longest county-or-above name that ends right before s[i]."""
    if s[i - 1 : i] not in table.lasts:
        return None
    for k in range(min(table.longest, i), 1, -1):
        if (places := table.names.get(s[i - k : i])) is not None:
            return s[i - k : i], places
    return None


def narrow(places: tuple[Place, ...], parents: list[tuple[Place, ...]]) -> tuple[Place, ...]:
    """The places that lie inside the names written before them (`宁波市慈溪市`)."""
    for within in parents:
        places = tuple(p for p in places if any(p.within(w) for w in within)) or places
    return places


def read_subject(s: str, table: Places, signal: str, title: bool = False) -> Subject | None:
    """Read `[places][township | department | 人民政府]` at the start of s: 慈溪市桥头镇, 嘉兴市司法局."""
    s, chain, p = s.lstrip(), [], 0
    while hit := match_at(s, p, table):
        chain.append(hit)
        p += len(hit[0])
        while s[p : p + 1] == " ":  # 杭州市 西湖区
            p += 1
    rest = s[p:]
    parents = [places for _, places in chain[:-1]]
    places = narrow(chain[-1][1], parents) if chain else ()
    name = table.respelled.get(chain[-1][0], chain[-1][0]) if chain else None
    if chain and rest.startswith(GOVERNMENT):
        return Subject(signal, name, None, None, places, explicit=True)
    m = TOWNSHIP.match(rest)
    town = m and m[0].lstrip()
    if m and (town in table.towns or not TOWNSHIP_STOP & set(m["body"])) and not town.endswith(NOT_TOWNSHIP):
        within = [places] if chain else []
        towns = narrow(table.township(town), within) if chain else table.township(town)
        if chain and not any(t.within(w) for t in towns for w in places):
            towns = places  # renamed or new since the table: the county written before it places it
        return Subject(
            signal,
            table.respelled.get(town, town),
            "township",
            None,
            towns,
            explicit=rest[m.end() :].startswith(GOVERNMENT),
        )
    m = DEPARTMENT.match(rest)
    if m and not m[1].endswith(NOT_DEPARTMENT) and not m[1].startswith(GOVERNMENT) and (chain or title):
        if chain or m[1].lstrip().startswith(("县", "市", "区", "省")) or m[1].endswith(("局", "厅")):
            dept = m[1].lstrip()
            if not chain and dept[0] in "县市区省" and not dept.startswith("市场"):
                dept = dept[1:]  # 县司法局 → 司法局; 市场监督管理局 keeps its 市
            return Subject(signal, name, "department", dept, places)
    if chain:
        return Subject(signal, name, None, None, places)
    if title and (m := UNKNOWN_PLACE.match(rest)):
        level = None if m[1].endswith(NOT_DIVISION) else SUFFIX_LEVEL.get(m[1][-1])
        return Subject(signal, m[1], level, None, ())
    return None


def find_title_lines(head: str) -> tuple[list[str], int]:
    """Lines of the head that read like a report title or a headline, skipping portal boilerplate;
    and where the first one ends (the opening is searched after it)."""
    out, end = [], 0
    for m in LINES.finditer(head):
        line = m.group().strip()
        if not 6 <= len(line) <= 80 or ">" in line or NOT_TITLE.match(line) or "。" in line:
            continue
        if TITLE_WORDS.search(line) and not SENTENCE_MARKS.search(line.replace("、", "")):
            out.append(line)
            end = end or m.end()
    return out, end


def headline(head: str, table: Places) -> Subject | None:
    """A first line that opens with a place though no title words follow: `天津市南开区政府2014年度…`,
    `苏州市公布…`; only among the first few lines, which portals leave to the page's title."""
    for n, m in enumerate(LINES.finditer(head)):
        line = m.group().strip()
        if n >= 6:
            break
        if 6 <= len(line) <= 60 and "。" not in line and not NOT_TITLE.match(line) and not line.endswith(":"):
            if (f := read_subject(TITLE_PREFIX.sub("", line), table, "标题", True)) and (
                f.name or f.department
            ):
                return f
    return None


def header_subjects(head: str, table: Places) -> list[Subject]:
    """The publisher the page's header fields name: `发布机构: 兖州区新驿镇`, `栏目:湖北省司法厅-通知公告`."""
    out = []
    for m in HEADER.finditer(head):
        label = {"信息来源": "来源", "文章来源": "来源"}.get(m[1], m[1])
        if f := read_subject(m[2], table, label):
            out.append(f)
    return out


def division_code(head: str, table: Places) -> Place | None:
    """The unit of the 6-digit division code inside an 索引号 or 统一社会信用代码 (11330703… → 330703)."""
    for m in CODE.finditer(head):
        code = m[1] or m[2]
        for c in (code, code[:4]) if code[4:] != "00" else (code[:4], code[:2]):
            if c in table.units and not c.endswith("00"):
                return table.place(c)
    return None


def addressee(head: str, table: Places) -> tuple[tuple[Place, ...], str | None]:
    """The superior a report is addressed to (`中共红河州委、红河州人民政府:`, `兴化市人民政府:`): its
    places, and the level the report then has (one below) when the line names it by rank only."""
    m = ADDRESSEE.search(head)
    if not m:
        return (), None
    line = m[1]
    for part in re.split(r"[、 ]", line):
        part = re.sub(r"^中共|(?:委员会|委|人民政府|政府|人大常委会|人大)$", "", part)
        if (hit := match_at(part, 0, table)) and hit[0] == part:
            return hit[1], None
    return (), None


def stem_index(table: Places) -> dict[str, tuple[Place, ...]]:
    """Province and prefecture stems (荆州, 江苏) → their places, for openings that drop the suffix."""
    if not hasattr(stem_index, "cache"):
        out: dict[str, list[Place]] = {}
        for full, stem in table.stems.items():
            out.setdefault(stem, []).extend(p for p in table.names.get(full, ()) if p.name == full)
        stem_index.cache = {k: tuple(v) for k, v in out.items() if v}
    return stem_index.cache


def opening_subject(text: str, start: int, table: Places) -> tuple[Subject | None, re.Match | None, tuple]:
    """The subject of the body's first sentence (`2023年,在县委的领导下,某县坚持…`, `2021年,荆州…`),
    and the places its clauses name as superiors (`在文峰区委、区政府的领导下`)."""
    for m in OPENING.finditer(text, start, start + HEAD):
        if m.start() > start + 400:
            break
        sentence = m["clauses"] + text[m.end() : m.end() + 80].split("。")[0]
        superiors = tuple(
            p
            for i in _find_all(sentence, "在")
            if (hit := match_at(sentence, i + 1, table))
            for p in hit[1]
            if p.level in ("prefecture", "county")
        )
        s = text[m.end() : m.end() + 40]
        if f := read_subject(s, table, "开头"):
            return f, m, superiors
        if (
            m[1]
            and not m["clauses"]
            and not YEAR_OPENS.match(text, m.end(1) + 1)
            and text[m.start() - 1] not in "\n"
        ):
            continue  # `…之一。2004年撤县设市`: a year in the history, not the opening (a line may open so)
        stems = stem_index(table)
        if stem := next((s[:k] for k in (3, 2) if s[:k] in stems and s[k : k + 1] not in "省市州县区"), None):
            places = stems[stem]
            return (
                Subject("开头", places[0].name if len(places) == 1 else stem, None, None, places),
                m,
                superiors,
            )
        if m[1]:
            return None, m, superiors
    return None, None, ()


# A news item whose figures a department gives: `从省司法厅获悉`, `重庆市司法局局长…介绍`.
SPEAKER = re.compile(
    r"从\s*([\u4e00-\u9fff]{0,12}?(?:司法厅|司法局|司法部))\s*(?:获悉|了解到)"
    r"|([\u4e00-\u9fff]{2,12}?(?:司法厅|司法局|司法部))(?:党组书记、)?(?:厅长|局长|副厅长|副局长|部长|副部长|负责人|有关负责人)"
)
PARTY_TOWN = re.compile(r"中共([\u4e00-\u9fff]{2,7}?(?:镇|乡|街道))(?:党)?(?:工)?委")


def speaker(head: str, table: Places) -> Subject | None:
    """The department that gives a news item's figures, with its place (the text's own province
    when it writes only `省司法厅`); 司法部 speaks for the whole country."""
    m = SPEAKER.search(head)
    if not m:
        return None
    body = m[1] or m[2]
    if body.endswith("司法部"):
        return Subject("开头", "全国", "national", None, ())
    f = read_subject(body, table, "开头")
    if f and f.name:
        return Subject("开头", f.name, "department", body[-3:], f.places)
    rank = {"省": "province", "市": "prefecture", "区": "county", "县": "county"}.get(body[-4:-3])
    if rank and (g := most_mentioned(head, table, rank, (), least=1)):
        return Subject("开头", g.name, "department", body[-3:], g.places)
    return None


def quoted_report(head: str, table: Places) -> Subject | None:
    """The publisher of a report a news item quotes by its title, with its year: 《上海市2022年…报告》."""
    for m in QUOTED_REPORT.finditer(head):
        if TITLE_WORDS.search(m[1]) and YEAR.search(m[1]):
            if (f := read_subject(TITLE_PREFIX.sub("", m[1]), table, "标题", True)) and f.name:
                return f
    return None


def find_signer(before: str) -> str | None:
    """The signing body on the line before the signature date: `海盐县人民政府`, `嘉兴市司法局`."""
    before = before.rstrip(" |\n\t")
    i = len(before)
    while i and "\u4e00" <= before[i - 1] <= "\u9fff":
        i -= 1
    return before[i:] if before.endswith(SIGNER_SUFFIX) else None


def _find_all(text: str, word: str, limit: int = 20) -> list[int]:
    """Offsets of the first `limit` occurrences of word (str.find is far faster than a regex)."""
    out, i = [], text.find(word)
    while i != -1 and len(out) < limit:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def most_named(text: str, table: Places) -> Subject | None:
    """The place most often written as `XX县/市/区/旗人民政府`, if one leads the count outright."""
    counts: Counter[str] = Counter()
    places: dict[str, tuple[Place, ...]] = {}
    for i in _find_all(text, "人民政府", limit=200):
        if (hit := match_before(text, i, table)) and hit[0].endswith(NAMED_GOVERNMENT):
            counts[hit[0]] += 1
            places[hit[0]] = hit[1]
    top = counts.most_common(2)
    if top and (len(top) == 1 or top[0][1] > top[1][1]):
        name = top[0][0]
        return Subject("全文", table.respelled.get(name, name), None, None, places[name])
    return None


def own_level(head: str) -> tuple[str | None, bool]:
    """The level the text speaks of itself at (`我县`, `全省`, `县委、县政府`) and whether it says `我局`."""
    levels = Counter()
    department = False
    for m in OWN.finditer(head):
        if m[1] in ("局", "厅", "委"):
            department = True
        elif m[1] in OWN_LEVEL:
            levels[OWN_LEVEL[m[1]]] += 2
    for m in WHOLE.finditer(head):
        if (word := m[1] or m[2]) in OWN_LEVEL:
            levels[OWN_LEVEL[word]] += 1
    top = levels.most_common(2)
    level = top[0][0] if top and (len(top) == 1 or top[0][1] > top[1][1]) else None
    return level, department


def most_mentioned(
    text: str, table: Places, level: str, within: tuple[Place, ...], least: int = 2
) -> Subject | None:
    """The place of `level` the text names most (full name, or a province's/city's stem), inside the
    addressee's places if there are any, when one leads the count outright: `我县`… 《兴国县…》."""
    counts: Counter[str] = Counter()  # by code: a short and a full form are one place
    found: dict[str, tuple[Place, ...]] = {}
    written: dict[str, Counter[str]] = {}
    for name, places in table.names.items():
        if name in table.respelled or name[0] not in text:
            continue
        hits = [p for p in places if p.level == level and (not within or any(p.within(w) for w in within))]
        if len(hits) != 1:
            continue
        n = text.count(name)
        stem = table.stems.get(hits[0].name) if level in ("province", "prefecture") else None
        n = max(n, text.count(stem)) if stem and name.startswith(stem) else n
        if not n:
            continue
        counts[hits[0].code] += n
        found[hits[0].code] = tuple(hits)
        written.setdefault(hits[0].code, Counter())[name] += n
    top = counts.most_common(2)
    if top and (len(top) == 1 or top[0][1] >= 2 * top[1][1]) and top[0][1] >= least:
        code = top[0][0]
        return Subject("全文", written[code].most_common(1)[0][0], level, None, found[code])
    return None


def choose(places: tuple[Place, ...], text: str, table: Places, context: tuple[Place, ...]) -> Place | None:
    """One place, or the one the context holds (division code, addressee) or whose county (3), city
    (2) or province (1) the text names; None while ambiguous."""
    if len({p.code for p in places}) == 1:
        return places[0]
    inside = tuple(p for p in places if any(p.within(c) or c.within(p) for c in context))
    if len({p.code for p in inside}) == 1:
        return inside[0]
    places = inside or places

    def named(name: str | None) -> bool:
        if not name:
            return False
        stem = table.stems.get(name)
        return name in text or bool(stem and stem in text)

    def score(p: Place) -> int:
        county = 3 * (p.level == "township" and named(p.county))
        return county + 2 * (p.city != p.province and named(p.city)) + named(p.province)

    scores = Counter({p: score(p) for p in places})
    (best, top), *rest = scores.most_common()
    return best if top and all(n < top for _, n in rest) else None


def unknown_place(name: str, opening: str, table: Places) -> Place | None:
    """Where a zone missing from the table lies: the prefecture its name starts with (成都高新区), else
    the one province that every prefecture its opening names lies in (`在省委…和西安市委…领导下`)."""
    stems = stem_index(table)
    for k in (3, 2):
        if len(hit := stems.get(name[:k], ())) == 1 and hit[0].level == "prefecture":
            return hit[0]
    named = {
        hit[1][0].province
        for i in range(len(opening))
        if (hit := match_at(opening, i, table)) and len(hit[1]) == 1 and hit[1][0].level == "prefecture"
    }
    if len(named) != 1:
        return None
    province = named.pop()
    return next((p for p in table.names.get(province, ()) if p.level == "province"), None)


def find_year(
    title: str | None, opening: re.Match | None, text: str, signed: int | None
) -> tuple[int | None, str | None]:
    """The year described and its signal: title, opening `2024年,`, `现将2018年…报告如下`, a yearbook's
    `2022卷` (the year before), the most frequent year (before a signature's), the signature − 1."""
    for line in (
        title,
        text.lstrip()[:60].split("\n")[0],
    ):  # `召开2024年…会议` that `总结2023年工作`, `回顾了2023年…`
        if line and "会" in line and (m := YEAR.search(line)) and (y := SUMMED_UP.search(text, 0, HEAD)):
            if int(y[1]) == int(m[1]) - 1:
                return int(y[1]), "开头"
    if title and YEAR_RANGE.search(title):
        return None, None
    if title and (m := YEAR.search(title)):
        return int(m[1]), "标题"
    if m := YEARBOOK.search(title or "") or YEARBOOK.search(text, 0, 120):
        return int(m[1]) - 1, "标题"
    if opening and opening[1] and not opening["since"]:
        return int(opening[1]), "开头"
    if (m := REPORT_AS.search(text, 0, HEAD * 2)) and (y := YEAR.search(m[0])):
        return int(y[1]), "开头"
    years = Counter(y for m in YEAR.finditer(text) if (y := int(m[1])) < (signed or 2100))
    if years:
        return max(years.items(), key=lambda kv: (kv[1], kv[0]))[0], "正文"
    if opening and opening[1]:  # `2024年以来,` and no other year
        return int(opening[1]), "开头"
    if signed:
        return signed - 1, "落款"
    if m := ROC_YEAR.match(text.lstrip()):
        return int(m[1]) + 1911, "开头"
    if (m := DATED.search(text, 0, HEAD)) and int(m[2]) > 3 and not SPAN.search(text, 0, HEAD):
        return int(m[1]), "发布日期"  # a news item that names no year (`今年以来`): the page's date, but
    return None, None  # not in January to March, when pages sum up the year before, nor for 十四五


def find_metadata(text: str, title: str | None = None) -> Metadata:
    """Jurisdiction, department, place, level and year of one normalised report (module docstring)."""
    table = load_places()
    head, tail = text[:HEAD], text[-TAIL:]
    lines, line_end = find_title_lines(head)
    line = lines[0] if lines else None
    parts = sorted(TITLE_PARTS.split(title or ""), key=lambda t: not TITLE_WORDS.search(t))
    opening_found, opening, leaders = opening_subject(text, line_end, table)
    signature = next(reversed(list(SIGNATURE.finditer(tail))), None)
    signer = find_signer(tail[: signature.start()]) if signature else None
    signed = int(signature[1]) if signature and signer else None
    level_hint, says_bureau = own_level(head)
    superiors, _ = addressee(head, table)
    superiors = superiors or leaders
    code_place = division_code(head, table)

    subjects: list[Subject] = []
    subjects += [
        f for t in (*lines, *parts) if t and (f := read_subject(TITLE_PREFIX.sub("", t), table, "标题", True))
    ]
    signed_at = len(text) - len(tail) + signature.start() - len(signer or "") - 2 if signature else len(head)
    subjects += [f] if not subjects and (f := headline(head[: max(0, signed_at)], table)) else []
    headers = header_subjects(head, table)
    subjects += [f] if (f := speaker(head, table)) else []
    subjects += [opening_found] if opening_found else []
    subjects += [f] if (f := quoted_report(head, table)) else []
    if m := PARTY_TOWN.search(head):
        subjects += [f] if (f := read_subject(m[1], table, "开头")) else []
    if (m := REPORT_AS.search(text, 0, HEAD * 2)) and (
        f := read_subject(text[m.start(1) : m.end()], table, "开头")
    ):
        subjects.append(f)
    subjects += headers
    subjects += [f] if signer and (f := read_subject(signer, table, "落款")) else []
    if any(s.name for s in subjects):  # the counts below only when no signal named the publisher
        pass
    elif (
        code_place and level_hint == code_place.level and not says_bureau
    ):  # `我县…` on a page whose 索引号 has 331024
        subjects.append(Subject("索引号", code_place.name, None, None, (code_place,)))
    elif f := most_named(text, table):
        subjects.append(f)
    elif level_hint in ("province", "prefecture", "county"):
        least = 1 if level_hint == "province" else 2  # `全省…考察安徽`: one province named is enough
        subjects += [f] if (f := most_mentioned(text, table, level_hint, superiors, least)) else []
    elif level_hint is None:  # news about a province, named again and again (西藏…西藏)
        subjects += [f] if (f := most_mentioned(head, table, "province", (), least=3)) else []

    year, year_signal = find_year(
        next((t for t in (line, title) if t and YEAR.search(t)), line or title), opening, text, signed
    )
    named = [s for s in subjects if s.name]
    national = named[0].level == "national" if named else NATIONAL.search(head)
    if national:
        return Metadata(
            "全国",
            None,
            None,
            None,
            "national",
            year,
            line or title,
            _sources({"jurisdiction": "开头", "level": "开头", "year": year_signal}),
        )
    if line and SEVERAL.match(line):  # only the province they all lie in, when a signal names it
        where = next((p for s in named for p in s.places if p.level == "province"), None)
        return Metadata(
            province=where and where.name,
            year=year,
            title=line,
            sources=_sources({"province": where and named[0].signal, "year": year_signal}),
        )
    found = named[0] if named else None
    department = found.department if found else None
    dept_signal = found.signal if department else None
    if found and not department and not found.explicit and found.level is None:
        # a department's page of the same place (栏目: 湖北省司法厅-…) on a page that is no annual report;
        # a news source (来源: 龙岗区司法局) under `龙岗区召开…` only when the text says 我局
        same = [
            h
            for h in headers
            if h.department and h.name == found.name and (says_bureau or h.signal != "来源")
        ]
        if same and not (line and "法治政府" in line):
            department, dept_signal = same[0].department, same[0].signal
    if found is None and (says_bureau or any(s.department for s in subjects)):
        dep = next((s for s in subjects if s.department), None)
        department = dep.department if dep else None
        at = code_place if code_place and code_place.level != "township" else None  # the bureau's own code
        return Metadata(
            at and at.name,
            at and at.province,
            at and at.city,
            at and at.county,
            "department",
            year,
            line or title,
            _sources(
                {
                    "jurisdiction": at and "索引号",
                    "province": at and "索引号",
                    "city": at and at.city and "索引号",
                    "county": at and at.county and "索引号",
                    "level": dep.signal if dep else "我局",
                    "department": dep.signal if dep else None,
                    "year": year_signal,
                }
            ),
            department=department,
        )
    if found is None:
        return Metadata(year=year, title=line or title, sources=_sources({"year": year_signal}))
    context = tuple(superiors) + ((code_place,) if code_place else ())
    context += tuple(
        p for s in subjects if s is not found and s.places and len(s.places) == 1 for p in s.places
    )
    place = choose(found.places, text, table, context) if found.places else None
    if place is None and found.level == "township" and not found.places and len(superiors) == 1:
        place = superiors[0]  # a township missing from the table, under the county its opening names
    elif place is None and not found.places and found.level != "township":
        place = (f := most_mentioned(head, table, "province", ())) and f.places[0]  # 西咸新区 … 陕西
        place = place or unknown_place(found.name, text[line_end : line_end + 200], table)
    levels = {p.level for p in found.places}
    level = found.level or (place.level if place else levels.pop() if len(levels) == 1 else None)
    if not found.places and found.name.endswith(NOT_DIVISION):
        level = None  # 成都高新区, 西咸新区: a zone, not a division
    else:
        level = level or SUFFIX_LEVEL.get(found.name[-1])
    if department:
        level = "department"
    province, city, county = (place.province, place.city, place.county) if place else (None, None, None)
    if place and place.zone:  # 郑州经济技术开发区: its city, but no county and no level of its own
        county, level = None, level if level == "department" else None
    if place and place.level == "province" and found.level not in (None, "province", "department"):
        city = county = None
    place_signal = found.signal
    if place and len({p.code for p in found.places}) > 1:
        place_signal = (
            "索引号" if code_place and (place.within(code_place) or code_place.within(place)) else "正文"
        )
    return Metadata(
        found.name,
        province,
        city,
        county,
        level,
        year,
        line or title,
        _sources(
            {
                "jurisdiction": found.signal,
                "department": dept_signal,
                "level": dept_signal or found.signal,
                "province": province and place_signal,
                "city": city and place_signal,
                "county": county and place_signal,
                "year": year_signal,
            }
        ),
        department=department,
    )


def _sources(d: dict[str, str | None]) -> dict[str, str]:
    return {k: v for k, v in d.items() if v}
