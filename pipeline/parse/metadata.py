"""Find who published a report and which year it describes (spec: Report metadata).

Places come from the division table shipped inside the `cpca` package (adcodes.csv), indexed once
per process. The jurisdiction is read, in order of trust, from the title line, the HTML title, the
opening sentence, the signature, then the most-named `XX县人民政府`. Only the head, the tail and a
few targeted searches are scanned, so a report takes microseconds once the table is loaded.

Decisions: a municipality's district has the municipality as its city; the municipality's own
government is level province with city null; a county-level unit ruled directly by its province
(济源市, 仙桃市, Hainan's counties) has city null, since no 地级 unit exists above it. A name that
OpenCC rewrites on the way in (normalise.py turns 乾安县 into 干安县 even in simplified text, and a
machine-converted traditional page writes 浚县 as 濬縣) is found in its rewritten form and reported
under the table's own name.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from pipeline.parse.records import Metadata

HEAD, TAIL = 600, 300  # characters scanned for the title/opening and for the signature
MUNICIPALITIES = ("11", "12", "31", "50")  # 北京 天津 上海 重庆 (adcode prefixes)
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}  # groupings, not governments
# The cpca table predates some renamings (梁平县 → 梁平区, 那曲地区 → 那曲市): the stem with the newer
# suffix also finds the unit, but only with a suffix, never as a bare word.
RENAMED = {"county": {"县": ("市", "区"), "市": ("区",)}, "prefecture": {"地区": ("市",)}}
AUTONOMOUS = ("自治州", "自治县", "自治旗")  # short forms drop the peoples: 恩施土家族苗族自治州 → 恩施州
# City stems that are everyday words: never counted as a mention of the city.
COMMON_WORDS = {"中山", "开封", "安康", "长治", "大同", "通化", "白城", "三明", "吉安", "白山", "金昌"}

# Lines that are never the title: portal labels and the report's own outline headings.
NOT_TITLE = re.compile(
    r"\s*(?:索引号|发布机构|当前位置|文章来源|信息来源|来源|作者|发布时间|发布日期|成文日期|文件编号|"
    r"组配分类|有效性|主题分类|点击|浏览|[一二三四五六七八九十]+、|\(?[一二三四五六七八九十\d]+[).、])"
)
TITLE_WORDS = re.compile(r"(?:法治|依法行政).*(?:报告|情况)")
TITLE_PREFIX = re.compile(r"^(?:\s*中共\S{1,20}?委(?:员会)?[\s、,和与]*|\s*关于|\s*20\d\d年度?)+")
GOVERNMENT = ("人民政府", "政府", "办事处")
# 乡 before 镇/村 and 镇 before 化 are words (乡镇, 乡村, 城镇化), not a township's suffix.
TOWNSHIP = re.compile(r"\s*(?P<body>[\u4e00-\u9fff]{2,6}?)(?:镇(?!化)|乡(?![镇村])|街道)")
TOWNSHIP_STOP = set("我本全各该在的县市省乡镇街")
NOT_TOWNSHIP = ("城镇", "城乡")
DEPARTMENT = re.compile(r"\s*([\u4e00-\u9fff]{1,12}?(?:局|委员会|办公室|厅|委))")
NOT_DEPARTMENT = tuple("格局 大局 布局 全局 开局 党委 县委 市委 区委 省委 镇委 乡委 大厅".split())
UNKNOWN_PLACE = re.compile(r"\s*([\u4e00-\u9fff]{2,8}?[县市区旗州盟])(?=人民政府|关于|20\d\d|\s|$)")
SUFFIX_LEVEL = {"省": "province", "州": "prefecture", "盟": "prefecture"} | dict.fromkeys("县区旗", "county")
OPENING = re.compile(r"(?<![\d\-~至])(20\d\d)\s*年(?:度|以来)?\s*,")
ADDRESSEE = re.compile(r"(?m)^[ \t]*([\u4e00-\u9fff]{2,12}?)人民政府[ \t]*:[ \t]*$")
SIGNATURE = re.compile(r"(20\d\d)\s*年\s*\d{0,2}\s*月\s*\d{0,2}\s*日")
SIGNER_SUFFIX = ("人民政府", "政府", "办事处", "局", "委员会", "办公室", "厅")
TITLE_PARTS = re.compile(r"\s*[_|–—]+\s*")  # `报告标题_海盐县人民政府`
LINES = re.compile(r"[^\n|]+")  # portal pages put the title in a table cell: `| 标题 |`
SENTENCE_MARKS = re.compile("[,。;]")
YEAR = re.compile(r"(?<![\d\-~至])(20\d\d)\s*年")
NAMED_GOVERNMENT = ("县", "市", "区", "旗")  # the fallback counts only `XX县/市/区/旗人民政府`


@dataclass(frozen=True)
class Place:
    """One row of the division table with its province, city and county filled in."""

    name: str
    code: str  # 12-digit adcode
    level: str  # province | prefecture | county
    province: str | None
    city: str | None
    county: str | None


@dataclass(frozen=True)
class Places:
    """The division table indexed by every written form (full names, short and renamed forms)."""

    names: dict[str, tuple[Place, ...]]
    stems: dict[str, str]  # province/prefecture full name → its bare stem (浙江省 → 浙江)
    respelled: dict[str, str]  # a form only OpenCC writes → the name it stands for (干安县 → 乾安县)
    longest: int
    firsts: frozenset[str]  # first and last characters of all names: a cheap gate before lookups
    lasts: frozenset[str]


@dataclass(frozen=True)
class Found:
    """A jurisdiction read from one source: its name as written and the places it may sit in."""

    name: str
    level: str | None
    places: tuple[Place, ...]


def _cpca_file(name: str) -> Path:
    """A resource shipped with cpca, located without importing cpca (which loads pandas)."""
    spec = importlib.util.find_spec("cpca")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / name


def _strip_peoples(stem: str, peoples: list[str]) -> str:
    while hit := next((p for p in peoples if stem.endswith(p) and len(stem) > len(p)), None):
        stem = stem[: -len(hit)]
    return stem


def _place(code: str, name: str, rows: dict[str, str]) -> tuple[Place, str]:
    """One table row as a Place, with the bare stem that counts as a mention of it (浙江省 → 浙江)."""
    province = rows.get(code[:2] + "0" * 10)
    if code[2:] == "0" * 10:
        return Place(name, code, "province", name, None, None), name[
            : 3 if name[:3] in ("内蒙古", "黑龙江") else 2
        ]
    if code[4:] == "0" * 8:
        return Place(name, code, "prefecture", province, name, None), re.sub("(市|地区|盟)$", "", name)
    city = province if code[:2] in MUNICIPALITIES else rows.get(code[:4] + "0" * 8)
    return Place(name, code, "county", province, None if city in PLACEHOLDERS else city, name), ""


@cache
def load_places() -> Places:
    """Read cpca's adcodes.csv once per process and index every place by its written forms."""
    with open(_cpca_file("adcodes.csv"), encoding="utf-8", newline="") as f:
        rows = {r["adcode"]: r["name"] for r in csv.DictReader(f)}
    with open(_cpca_file("56_nations.csv"), encoding="utf-8") as f:
        nations = [n.strip() for n in f if n.strip()]
    peoples = sorted({*nations, *(n[:-1] for n in nations if len(n) >= 3), "各族"}, key=len, reverse=True)
    names: dict[str, list[Place]] = {}
    stems: dict[str, str] = {}
    for code, name in rows.items():
        if name in PLACEHOLDERS:
            continue
        place, stem = _place(code, name, rows)
        names.setdefault(name, []).append(place)
        if name.endswith(AUTONOMOUS) and len(short := _strip_peoples(name[:-3], peoples)) >= 2:
            names.setdefault(short + name[-1], []).append(place)
            stem = short if place.level == "prefecture" else stem
        if len(stem) >= 2 and stem not in COMMON_WORDS:
            stems[name] = stem
    full = set(names)
    # Prefectures first: when 那曲地区 became 那曲市, 那曲县 became a district, so 那曲市 is the prefecture.
    for place in sorted(
        (p for n in full for p in names[n] if p.name == n), key=lambda p: p.level != "prefecture"
    ):
        own = {"county": "county", "prefecture": "city"}.get(place.level)
        for old, news in RENAMED.get(place.level, {}).items():
            if place.name.endswith(old) and len(stem := place.name[: -len(old)]) >= 2:
                for form in (stem + new for new in news if stem + new not in full):
                    taken = names.setdefault(form, [])
                    if not taken or taken[0].level == place.level:
                        taken.append(replace(place, name=form, **{own: form}))
    sources: dict[str, set[str]] = {}
    for name, form in converted_forms(list(names)):
        sources.setdefault(form, set()).add(name)
    # A form that is itself a name, or that two names turn into, finds nothing new: never a guess.
    respelled = {form: name for form, (name, *more) in sources.items() if not more and form not in names}
    for form, name in respelled.items():
        names[form] = list(names[name])
    firsts, lasts = frozenset(n[0] for n in names), frozenset(n[-1] for n in names)
    return Places(
        {k: tuple(v) for k, v in names.items()}, stems, respelled, max(map(len, names)), firsts, lasts
    )


def converted_forms(names: list[str]) -> list[tuple[str, str]]:
    """(name, form) for every name that normalising changes: OpenCC t2s maps 乾 to 干 even in a
    simplified text (乾县 → 干县), and a page converted s2t and back keeps variants (浚县 → 濬县)."""
    import opencc

    from pipeline.parse.normalise import _t2s

    joined = "\n".join(names)  # one call each: a name never spans a line
    out = []
    for forms in (_t2s().convert(joined), _t2s().convert(opencc.OpenCC("s2t").convert(joined))):
        out += [(n, f) for n, f in zip(names, forms.split("\n"), strict=True) if f != n]
    return out


def _prefix(place: Place) -> str:
    """The adcode prefix shared by everything inside a place."""
    return place.code[: {"province": 2, "prefecture": 4}.get(place.level, 6)]


def match_at(s: str, p: int, table: Places) -> tuple[str, tuple[Place, ...]] | None:
    """The longest place name written at s[p:]."""
    if s[p : p + 1] not in table.firsts:
        return None
    for k in range(min(table.longest, len(s) - p), 1, -1):
        if (places := table.names.get(s[p : p + k])) is not None:
            return s[p : p + k], places
    return None


def match_before(s: str, i: int, table: Places) -> tuple[str, tuple[Place, ...]] | None:
    """The longest place name that ends right before s[i]."""
    if s[i - 1 : i] not in table.lasts:
        return None
    for k in range(min(table.longest, i), 1, -1):
        if (places := table.names.get(s[i - k : i])) is not None:
            return s[i - k : i], places
    return None


def narrow(chain: list[tuple[str, tuple[Place, ...]]]) -> tuple[Place, ...]:
    """Candidates of the last name in `宁波市慈溪市…` that lie inside the names written before it."""
    places = chain[-1][1]
    for _, parents in chain[:-1]:
        prefixes = tuple(map(_prefix, parents))
        places = tuple(p for p in places if p.code.startswith(prefixes)) or places
    return places


def choose(places: tuple[Place, ...], text: str, table: Places) -> Place | None:
    """One place, or the one whose city (2) or province (1) the text names; None while ambiguous."""
    if len({p.code for p in places}) == 1:
        return places[0]

    def named(name: str | None) -> bool:
        if not name:
            return False
        stem = table.stems.get(name)
        return name in text or bool(stem and stem in text)

    scores = Counter({p: 2 * (p.city != p.province and named(p.city)) + named(p.province) for p in places})
    (best, top), *rest = scores.most_common()
    return best if top and all(n < top for _, n in rest) else None


def read_subject(s: str, text: str, table: Places, title: bool = False) -> Found | None:
    """Read `[places][township | department]` at the start of s: 慈溪市桥头镇, 嘉兴市司法局, 海盐县."""
    s, chain, p = s.lstrip(), [], 0
    while hit := match_at(s, p, table):
        chain.append(hit)
        p += len(hit[0])
        while s[p : p + 1] == " ":  # 杭州市 西湖区
            p += 1
    rest, places = s[p:], narrow(chain) if chain else ()
    chain = [(table.respelled.get(name, name), where) for name, where in chain]  # 干安县 → 乾安县
    if rest.startswith(GOVERNMENT) and chain:
        return Found(chain[-1][0], None, places)
    m = TOWNSHIP.match(rest)
    if m and not TOWNSHIP_STOP & set(m["body"]) and not (name := m[0].lstrip()).endswith(NOT_TOWNSHIP):
        if not any(pl.level == "county" for pl in places):
            places = township_places(name, places, text, table) or places
        return Found(name, "township", places)
    m = DEPARTMENT.match(rest)
    if chain and m and not m[1].endswith(NOT_DEPARTMENT) and not m[1].startswith(GOVERNMENT):
        return Found("".join(name for name, _ in chain) + m[1], "department", places)
    if chain:
        return Found(chain[-1][0], None, places)
    if title and (m := UNKNOWN_PLACE.match(rest)):
        return Found(m[1], SUFFIX_LEVEL.get(m[1][-1]), ())
    return None


def township_places(name: str, within: tuple[Place, ...], text: str, table: Places) -> tuple[Place, ...]:
    """The county (or city) written right before the township anywhere in the text: `慈溪市桥头镇`."""
    prefixes = tuple(map(_prefix, within)) or ("",)
    near = (place for i in _find_all(text, name) if (hit := match_before(text, i, table)) for place in hit[1])
    found = tuple(p for p in near if p.level != "province" and p.code.startswith(prefixes))
    if found:
        return found
    # A township's report is often addressed to its county (`兴化市人民政府:` on its own line at the head)
    m = ADDRESSEE.search(text, 0, HEAD)
    hit = match_at(m[1], 0, table) if m else None
    if hit is None or hit[0] != m[1]:
        return ()
    return tuple(p for p in hit[1] if p.level == "county" and p.code.startswith(prefixes))


def _find_all(text: str, word: str, limit: int = 20) -> list[int]:
    """Offsets of the first `limit` occurrences of word (str.find is far faster than a regex)."""
    out, i = [], text.find(word)
    while i != -1 and len(out) < limit:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def find_title_line(head: str) -> tuple[str | None, int]:
    """The first line of the head that reads like a report title, skipping portal boilerplate."""
    for m in LINES.finditer(head):
        line = m.group().strip()
        if not 6 <= len(line) <= 80 or ">" in line or not TITLE_WORDS.search(line):
            continue
        if not NOT_TITLE.match(line) and not SENTENCE_MARKS.search(line):
            return line, m.end()
    return None, 0


def find_signer(before: str) -> str | None:
    """The signing body on the line before the signature date: `海盐县人民政府`, `嘉兴市司法局`."""
    before = before.rstrip(" |\n\t")
    i = len(before)
    while i and "\u4e00" <= before[i - 1] <= "\u9fff":
        i -= 1
    return before[i:] if before.endswith(SIGNER_SUFFIX) else None


def most_named(text: str, table: Places) -> Found | None:
    """The place most often written as `XX县/市/区/旗人民政府`, if one leads the count outright."""
    counts: Counter[str] = Counter()
    places: dict[str, tuple[Place, ...]] = {}
    for i in _find_all(text, "人民政府", limit=200):
        if (hit := match_before(text, i, table)) and hit[0].endswith(NAMED_GOVERNMENT):
            counts[hit[0]] += 1
            places[hit[0]] = hit[1]
    top = counts.most_common(2)
    if top and (len(top) == 1 or top[0][1] > top[1][1]):
        return Found(table.respelled.get(top[0][0], top[0][0]), None, places[top[0][0]])
    return None


def find_year(title: str | None, opening: re.Match | None, text: str, signed: int | None) -> int | None:
    """The year described: title, opening `2024年,`, most frequent year before the signature, signature − 1."""
    if title and (m := YEAR.search(title)):
        return int(m[1])
    if opening:
        return int(opening[1])
    years = Counter(y for m in YEAR.finditer(text) if (y := int(m[1])) < (signed or 2100))
    if years:
        return max(years.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return signed - 1 if signed else None


def find_metadata(text: str, title: str | None = None) -> Metadata:
    """Jurisdiction, place, level and year of one normalised report (see module docstring)."""
    table = load_places()
    head, tail = text[:HEAD], text[-TAIL:]
    line, line_end = find_title_line(head)
    parts = sorted(TITLE_PARTS.split(title or ""), key=lambda t: not TITLE_WORDS.search(t))
    opening = OPENING.search(head, line_end)
    signature = next(reversed(list(SIGNATURE.finditer(tail))), None)
    signed = int(signature[1]) if signature else None
    signer = find_signer(tail[: signature.start()]) if signature else None
    subjects = [(TITLE_PREFIX.sub("", t), True) for t in (line, *parts) if t]
    subjects += [(text[opening.end() : opening.end() + 40], False)] if opening else []
    subjects += [(signer, False)] if signer else []
    found = next((f for s, is_title in subjects if (f := read_subject(s, text, table, is_title))), None)
    found = found or most_named(text, table)
    year = find_year(next((t for t in (line, title) if t and YEAR.search(t)), None), opening, text, signed)
    if not found:
        return Metadata(year=year, title=line or title)
    place = choose(found.places, text, table) if found.places else None
    levels = {p.level for p in found.places}
    level = found.level or (place.level if place else levels.pop() if len(levels) == 1 else None)
    level = level or SUFFIX_LEVEL.get(found.name[-1])
    province, city, county = (place.province, place.city, place.county) if place else (None, None, None)
    return Metadata(found.name, province, city, county, level, year, line or title)
