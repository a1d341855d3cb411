"""The five-level division table (provinces to townships, 2023 codes, plus older and short forms),
loaded once per process from divisions.tsv.gz beside this file (made by make_table.py; sources in
divisions.source.txt). Counties and above are indexed as Place records; townships, 40,000 of them,
by name → codes, turned into a Place only when a report names one."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "divisions.tsv.gz"
MUNICIPALITIES = ("11", "12", "31", "50")  # 北京 天津 上海 重庆
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}  # groupings, not governments
LEVELS = {2: "province", 4: "prefecture", 6: "county", 9: "township"}
# City stems that are everyday words: never counted as a mention of the city.
COMMON_WORDS = {
    "中山",
    "开封",
    "安康",
    "长治",
    "大同",
    "通化",
    "白城",
    "三明",
    "吉安",
    "白山",
    "金昌",
    "海南",
}


@dataclass(frozen=True)
class Place:
    """One unit of the table under one written name, with its province, city and county filled in."""

    name: str
    code: str  # division code: 2 (province), 4 (prefecture), 6 (county) or 9 (township) digits
    level: str  # province | prefecture | county | township
    province: str | None
    city: str | None
    county: str | None

    def within(self, other: Place) -> bool:
        """True when this place lies inside `other` (or is it)."""
        return self.code.startswith(other.code)

    @property
    def zone(self) -> bool:
        """A 开发区/新区/园区 the statistics code lists among counties (xx71–xx79), not a division."""
        return len(self.code) == 6 and self.code[4] == "7"


@dataclass(frozen=True)
class Places:
    """The table indexed by every written form (full names, short, former and respelled forms)."""

    units: dict[str, str]  # code → the table's own name
    names: dict[str, tuple[Place, ...]]  # counties and above
    towns: dict[str, tuple[str, ...]]  # township name → codes
    stems: dict[str, str]  # province/prefecture full name → its bare stem (浙江省 → 浙江)
    respelled: dict[str, str]  # a form only OpenCC writes → the name it stands for (干安县 → 乾安县)
    longest: int
    firsts: frozenset[str]  # first and last characters of all names: a cheap gate before lookups
    lasts: frozenset[str]

    def place(self, code: str, name: str | None = None, level: str | None = None) -> Place:
        """The Place of a code (any length: a 6-digit code of an 索引号 too), under `name` if given."""
        units = self.units
        level = level or LEVELS[len(code)]
        name = name or units[code]
        province = units.get(code[:2])
        if level == "province":
            return Place(name, code, level, name, None, None)
        if level == "prefecture":
            return Place(name, code, level, province, name, None)
        city = province if code[:2] in MUNICIPALITIES else units.get(code[:4])
        city = None if city in PLACEHOLDERS else city
        if level == "county":
            return Place(name, code, level, province, city, name)
        county = units.get(code[:6])  # None in 东莞市, 中山市: no county between city and town
        return Place(name, code, level, province, city, None if county in PLACEHOLDERS else county)

    def township(self, name: str) -> tuple[Place, ...]:
        return tuple(self.place(code, name) for code in self.towns.get(name, ()))


def _stem(name: str, level: str) -> str:
    if level == "province":
        return name[: 3 if name[:3] in ("内蒙古", "黑龙江") else 2]
    for suffix in ("自治州", "地区", "市", "盟", "州"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


@cache
def load_places() -> Places:
    """Read the table once per process (about 0.1 s) and index every place by its written forms."""
    units: dict[str, str] = {}
    forms: list[tuple[str, str, str]] = []
    towns: dict[str, list[str]] = {}
    for line in gzip.decompress(TABLE.read_bytes()).decode("utf-8").splitlines():
        code, name, kind = line.split("\t")
        if not kind:
            units[code] = name
        if len(code) == 9:
            towns.setdefault(name, []).append(code)
        elif name not in PLACEHOLDERS:
            forms.append((code, name, kind))
    table = Places(units, {}, {k: tuple(v) for k, v in towns.items()}, {}, {}, 0, frozenset(), frozenset())
    names: dict[str, list[Place]] = {}
    spelled = [f for f in forms if f[2].startswith("spelled")]
    for code, name, kind in [f for f in forms if not f[2].startswith("spelled")]:
        level = kind.partition(":")[2] or LEVELS[len(code)]
        # a short or respelled form is the unit itself; a former name keeps its own name and level
        place = table.place(code, name, level) if kind.startswith("old") else table.place(code)
        if level == "prefecture" and len(code) == 6:  # 莱芜市, a prefecture until 2019
            place = Place(name, code, level, place.province, name, None)
        names.setdefault(name, []).append(place)
        if len(code) in (2, 4) and kind in ("", "short"):
            stem = _stem(name, level)
            if len(stem) >= 2 and stem not in COMMON_WORDS:
                table.stems[units[code]] = stem
    for code, form, kind in spelled:  # 干安县 finds what 乾安县 finds, and is reported as 乾安县
        source = kind.partition(":")[2]
        table.respelled[form] = source
        names.setdefault(form, []).extend(p for p in names.get(source, ()) if p.code == code)
        if len(code) == 9:
            towns.setdefault(form, []).append(code)
    table.towns.update((k, tuple(v)) for k, v in towns.items())
    table.names.update((k, tuple(v)) for k, v in names.items() if v)
    every = [*names, *towns]
    return Places(
        units,
        table.names,
        table.towns,
        table.stems,
        table.respelled,
        max(map(len, names)),
        frozenset(n[0] for n in every),
        frozenset(n[-1] for n in every),
    )
