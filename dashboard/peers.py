"""The peer group (对比组) shared by 对比, 排名, 地区档案 and 数据下载: who is compared with whom.

`select_peers` is pure (the reports table in, a PeerGroup out) so the briefing generator can use it;
`peer_picker` is the one set of widgets (层级, 部门, 省份, 城市, 县, 年度) every page shows, kept in the
URL by stable keys (defaults too, a Chinese notice for a value that names nothing) and remembered
across pages. A group's name and size go into every chart, table and file name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from dashboard.fmt import LEVEL_NAMES

ALL = "全部"
PEER_LEVELS = ("province", "prefecture", "county", "township", "department")  # national is a reference
MEMORY = "peer_group_memory"  # session key: the last group chosen on any page


@dataclass(frozen=True)
class PeerGroup:
    """One peer group: the filters, its places and reports. None (or 全部) leaves a filter open."""

    level: str | None
    year: int | None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    department: str | None = None
    chosen: int | None = None  # set when narrowed to chosen places
    places: tuple[str, ...] = ()
    report_ids: tuple[str, ...] = ()
    references: tuple[tuple[str, str, str], ...] = ()  # (label 全国 / 河南省, report_id, place)

    @property
    def reference_places(self) -> dict[str, str]:
        """label → place of each reference (what ranking.compare_indicator takes)."""
        return {label: place for label, _, place in self.references}

    @property
    def all_report_ids(self) -> list[str]:
        """The peers' reports and the references': what one query loads for a page."""
        return [*self.report_ids, *(r for _, r, _ in self.references)]

    def subset(self, places: list[str]) -> PeerGroup:
        """The group narrowed to some of its places (对比's chosen places); the name says so."""
        keep = [p for p in self.places if p in set(places)]
        return replace(self, places=tuple(keep), chosen=len(keep))

    @property
    def size(self) -> int:
        return len(self.places)

    @property
    def name(self) -> str:
        """`河南省南阳市县级地区`, `全国部门（司法局）`, `全部层级地区` — without year or size."""
        where = "".join(x for x in (self.province, self.city, self.county) if x) or "全国"
        if self.level == "department":
            return f"{where}部门" + (f"（{self.department}）" if self.department else "")
        level = LEVEL_NAMES.get(self.level, "") if self.level else "全部层级"
        return f"{where}{level}地区"

    @property
    def label(self) -> str:
        """`2024年河南省南阳市县级地区（6个）`: what a chart's subtitle and a table's caption say."""
        year = f"{self.year}年" if self.year else "全部年度"
        if self.chosen is not None:
            return f"{year}{self.name}中所选{self.size}个"
        return f"{year}{self.name}（{self.size}个）"

    @property
    def file_part(self) -> str:
        """`河南省南阳市县级地区6个_2024`: the group in a file name."""
        return f"{self.name}{self.size}个_{self.year or '全部年度'}"


def _open(value: object) -> object | None:
    return None if value in (None, ALL, "") else value


def select_peers(
    reports: pd.DataFrame,
    *,
    level: str | None,
    year: int | None,
    province: str | None = None,
    city: str | None = None,
    county: str | None = None,
    department: str | None = None,
) -> PeerGroup:
    """The peer group of these filters over the reports table (columns place, report_id, level, year,
    province, city, county, department); 全部 or None leaves a filter open. National reports never
    count as peers: they are the reference line."""
    chosen = {
        "level": _open(level),
        "year": _open(year),
        "province": _open(province),
        "city": _open(city),
        "county": _open(county),
        "department": _open(department),
    }
    keep = reports["level"].ne("national")
    for col, want in chosen.items():
        if want is not None and col in reports:
            keep &= reports[col] == want
    rows = reports[keep]
    group = PeerGroup(
        **chosen, places=tuple(dict.fromkeys(rows["place"])), report_ids=tuple(rows["report_id"])
    )
    return replace(group, references=reference_reports(reports, group))


def reference_reports(reports: pd.DataFrame, group: PeerGroup) -> tuple[tuple[str, str, str], ...]:
    """The references for a group's comparisons, as (label, report_id, place): the national report of
    the group's year (`全国`) and, when the group lies in one province, that province's own report."""
    if group.year is None:
        return ()
    same_year = reports[reports["year"] == group.year]
    out = []
    national = same_year[same_year["level"] == "national"]
    if len(national):
        out.append(("全国", str(national["report_id"].iloc[0]), str(national["place"].iloc[0])))
    province = group.province
    if province is None and group.places:
        inside = reports[reports["report_id"].isin(group.report_ids)]["province"].dropna().unique()
        province = inside[0] if len(inside) == 1 else None
    if province and group.level != "province":
        own = same_year[(same_year["level"] == "province") & (same_year["province"] == province)]
        if len(own):
            out.append((str(province), str(own["report_id"].iloc[0]), str(own["place"].iloc[0])))
    return tuple(out)


def default_group(reports: pd.DataFrame) -> dict:
    """The default filters: county level (else the most common peer level) in its latest year, and the
    province with the most such reports when the level spans several (one province is a fair group)."""
    peers = reports[reports["level"].isin(PEER_LEVELS)]
    levels = peers["level"]
    level = "county" if (levels == "county").any() else (levels.mode().iloc[0] if len(levels) else None)
    at = peers[peers["level"] == level] if level else peers
    years = at["year"].dropna()
    year = int(years.max()) if len(years) else None
    in_year = at[at["year"] == year]
    counts = in_year.drop_duplicates("place")["province"].value_counts()
    big = len(counts) > 1 and counts.iloc[0] >= 5 and (len(counts) < 2 or counts.iloc[0] > counts.iloc[1])
    province = counts.index[0] if big else None  # one province with a composite-sized group
    return {"level": level, "year": year, "province": province}


def peer_picker(
    reports: pd.DataFrame,
    *,
    allow_all: bool = False,
    defaults: dict | None = None,
    on_change: Callable[[], None] | None = None,
) -> PeerGroup:
    """The peer-group widgets (层级, 部门, 省份, 城市, 县 for townships, 年度), each in a URL parameter
    (level, dept, province, city, county, year) holding a stable key, defaults included, and
    remembered across pages; a parameter that names nothing gets a Chinese notice (ui.url_value).
    `allow_all` adds 全部 to 层级 and 年度 (数据下载); `defaults` overrides the remembered group
    (地区档案: the place's own); `on_change` runs after any of them changes."""
    import streamlit as st

    from dashboard import ui

    fallback = default_group(reports)
    start = {**fallback, **st.session_state.get(MEMORY, {}), **(defaults or {})}
    given = set(reports["level"].dropna())
    levels = [lv for lv in PEER_LEVELS if lv in given]
    if allow_all:
        levels = [ALL, *levels]

    def pick(where, label: str, options: list, key: str, *wanted, fmt=str):
        default = _first(options, *wanted)
        return ui.url_selectbox(where, label, options, default, key=key, fmt=fmt, then=on_change)

    level_name = lambda x: LEVEL_NAMES.get(x, x)  # noqa: E731
    first = ui.url_value(
        "level", levels, _first(levels, start.get("level"), fallback["level"]), what="层级", fmt=level_name
    )
    cols = list(st.columns(6 if first == "department" else 5))
    level = pick(cols.pop(0), "层级", levels, "level", first, fmt=level_name)
    at = reports[reports["level"].ne("national")]
    at = at if level == ALL else at[at["level"] == level]
    department = None
    if level == "department" and "department" in at:
        depts = [ALL, *sorted(at["department"].dropna().unique())]
        department = pick(cols.pop(0), "部门", depts, "dept", start.get("department"))
        at = at if department == ALL else at[at["department"] == department]
    elif len(cols) == 5:
        cols.pop(0)
    provinces = [ALL, *sorted(at["province"].dropna().unique())]
    province = pick(cols[0], "省份", provinces, "province", start.get("province"))
    at = at if province == ALL else at[at["province"] == province]
    cities = [ALL, *sorted(at["city"].dropna().unique())]
    city = pick(cols[1], "城市", cities, "city", start.get("city"))
    at = at if city == ALL else at[at["city"] == city]
    county = None
    if level == "township":
        counties = [ALL, *sorted(at["county"].dropna().unique())]
        county = pick(cols[2], "县（市、区）", counties, "county", start.get("county"))
        at = at if county == ALL else at[at["county"] == county]
    years = sorted(at["year"].dropna().astype(int).unique().tolist(), reverse=True)
    if allow_all:
        years = [ALL, *years]
    year = pick(cols[3], "年度", years or [start.get("year")], "year", start.get("year"), fallback["year"])
    group = select_peers(
        reports, level=level, year=year, province=province, city=city, county=county, department=department
    )
    st.session_state[MEMORY] = {
        "level": level,
        "year": year,
        "province": province,
        "city": city,
        "county": county,
        "department": department,
    }
    return group


def _first(options: list, *wanted: object) -> object:
    """The first of `wanted` among the options (else the first option)."""
    return next((v for v in wanted if v in options), options[0] if options else None)
