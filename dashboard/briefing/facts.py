"""Facts about one indicator in one group, as numbers and as plain sentences: who reports it, the
highest, the lowest, the median, each place's 名次/总数, and the change since the year before.

Sentences state only what the figures say (no 较好 / 突出 / 滞后): a reader may quote them as facts."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from dashboard.fmt import MISSING, OTHER_UNIT, format_number, format_value
from dashboard.ranking import compare_indicator

MAX_NAMES = 12  # a sentence names at most this many places, then says 等N个


@dataclass(frozen=True)
class IndicatorFacts:
    """One indicator in the group: `have` holds the reporting places (place, value, qualifier,
    derived, origin, unit_as_written, rank) in chart order; `missing` the others, in group order."""

    key: str
    name: str
    kind: str
    unit: str
    direction: str
    have: pd.DataFrame
    missing: list[str]
    median: float | None
    total: int  # places in the group
    other_unit: dict[str, str] = field(
        default_factory=dict
    )  # place → its figure in a unit that does not compare

    @property
    def ranked(self) -> bool:
        return self.direction != "neutral"

    def rank_text(self, place: str) -> str:
        """`2/7` for a directional indicator, `—` for a neutral one (sorted, not ranked), 无数据."""
        row = self.have[self.have["place"] == place]
        if row.empty:
            return OTHER_UNIT if place in self.other_unit else MISSING
        return str(row["rank_text"].iloc[0]) if self.ranked else "—"

    def label(self, place: str) -> str:
        row = self.have[self.have["place"] == place]
        if row.empty:
            return self.other_unit.get(place, MISSING)
        return format_value(row["value"].iloc[0], row["qualifier"].iloc[0], self.kind)


def indicator_facts(values: pd.DataFrame, d: pd.Series, peers: list[str]) -> IndicatorFacts:
    """The facts of indicator `d` (a row of the definitions) over `peers` from the group's `values`:
    the pages' own comparison (ranking.compare_indicator: ranks, order, units that do not compare),
    so a briefing never states what 对比/排名 would not."""
    one = values[values["key"] == d["key"]].assign(kind=d["kind"])
    cmp = compare_indicator(one, peers, d)
    origin = one.drop_duplicates("place").set_index("place")["origin"]
    have = cmp.table[cmp.table["status"] == "ok"].assign(origin=lambda t: t["place"].map(origin))
    return IndicatorFacts(
        key=d["key"],
        name=d["name"],
        kind=d["kind"],
        unit=d["unit"],
        direction=d["direction"],
        have=have.reset_index(drop=True),
        missing=cmp.table.loc[cmp.table["status"] == "missing", "place"].to_list(),
        median=cmp.median,
        total=len(peers),
        other_unit={
            r.place: f"{r.label}{r.unit_as_written}"
            for r in cmp.table[cmp.table["status"] == "other_unit"].itertuples()
        },
    )


def with_unit(value: float, kind: str, unit: str, qualifier: str = "exact") -> str:
    """A figure for a sentence: 162件, 约98件, 2,000余件, 95%以上, 不足5%."""
    number = format_number(value, kind)
    tail = "" if kind == "rate" else unit
    if qualifier == "over":
        return f"{number}以上" if kind == "rate" else f"{number}余{tail}"
    prefix = {"approx": "约", "under": "不足"}.get(qualifier, "")
    return f"{prefix}{number}{tail}"


def names(places: list[str]) -> str:
    """甲、乙、丙, or 甲、乙…等15个 past MAX_NAMES."""
    if len(places) <= MAX_NAMES:
        return "、".join(places)
    return "、".join(places[:MAX_NAMES]) + f"等{len(places)}个地区"


def _extreme(f: IndicatorFacts, which: str) -> str:
    """最高为A（162件） / 最高为A、B（均为100%）."""
    target = f.have["value"].max() if which == "最高" else f.have["value"].min()
    rows = f.have[f.have["value"] == target]
    figures = {with_unit(v, f.kind, f.unit, q) for v, q in zip(rows["value"], rows["qualifier"], strict=True)}
    if len(rows) == 1 or len(figures) > 1:
        text = "、".join(
            f"{p}（{with_unit(v, f.kind, f.unit, q)}）"
            for p, v, q in zip(rows["place"], rows["value"], rows["qualifier"], strict=True)
        )
        return f"{which}为{text}"
    return f"{which}为{names(rows['place'].to_list())}（均为{figures.pop()}）"


def sentence(f: IndicatorFacts, references: pd.DataFrame | None = None) -> str:
    """One sentence of facts: how many report it, the highest, the lowest, the median, who has no figure."""
    n, total = len(f.have), f.total
    if n == 0:
        return f"{f.name}：对比组{total}个地区均未报告该项数字。"
    if n == 1:
        row = f.have.iloc[0]
        text = f"{f.name}：对比组{total}个地区中仅{row['place']}报告了该项数字（{with_unit(row['value'], f.kind, f.unit, row['qualifier'])}）"
    elif f.have["value"].nunique() == 1:
        row = f.have.iloc[0]
        text = f"{f.name}：对比组{total}个地区中{n}个报告了该项数字，均为{with_unit(row['value'], f.kind, f.unit)}"
    else:
        median = with_unit(f.median, f.kind, f.unit)  # type: ignore[arg-type]
        text = (
            f"{f.name}：对比组{total}个地区中{n}个报告了该项数字，{_extreme(f, '最高')}，"
            f"{_extreme(f, '最低')}，中位数为{median}"
        )
    if f.other_unit:
        text += f"；{names(list(f.other_unit))}所报单位不同，未比较"
    if f.missing:
        text += f"；{names(f.missing)}无数据" if n < total else ""
    refs = [] if references is None else references[references["key"] == f.key]
    if f.kind == "rate" and len(refs):
        text += "；" + "，".join(
            f"{r['label']}为{with_unit(r['value'], f.kind, f.unit, r['qualifier'])}"
            for _, r in refs.iterrows()
        )
    return text + "。"


def notes_of(f: IndicatorFacts, place: str, display_unit: str) -> str:
    """What a table cell says beside the figure: 推算, 人工更正, the unit as written when it differs."""
    row = f.have[f.have["place"] == place]
    if row.empty:
        return ""
    r = row.iloc[0]
    out = []
    if bool(r["derived"]):
        out.append("推算")
    if r["origin"] == "corrected":
        out.append("人工更正")
    written = str(r["unit_as_written"] or "")
    if written and written != display_unit and f.kind != "rate":
        out.append(f"原文单位：{written}")
    return "，".join(out)


def change(f: IndicatorFacts, previous: pd.DataFrame) -> pd.DataFrame:
    """Each place with a figure in both years: place, before, now (labels) and the change as text.
    Rates change in 个百分点; a change between figures that are not both exact reads 约."""
    before = previous[previous["key"] == f.key].drop_duplicates("place").set_index("place")
    rows = []
    for _, r in f.have.sort_values("place").iterrows():
        if r["place"] not in before.index:
            continue
        b = before.loc[r["place"]]
        delta = float(r["value"]) - float(b["value"])
        exact = r["qualifier"] == "exact" and b["qualifier"] == "exact"
        rows.append(
            {
                "地区": r["place"],
                "上年": format_value(b["value"], b["qualifier"], f.kind),
                "本年": format_value(r["value"], r["qualifier"], f.kind),
                "变化": change_text(delta, float(b["value"]), f.kind, f.unit, exact),
                "delta": delta,
            }
        )
    return pd.DataFrame(rows, columns=["地区", "上年", "本年", "变化", "delta"])


def change_text(delta: float, before: float, kind: str, unit: str, exact: bool) -> str:
    """+12件（+8.0%）, −1.5个百分点, 持平; 约 when a figure was not exact."""
    if delta == 0:
        return "持平" if exact else "约持平"
    sign = "+" if delta > 0 else "−"
    size = format_number(abs(delta), "count")
    if kind == "rate":
        text = f"{sign}{size}个百分点"
    else:
        pct = f"（{sign}{abs(delta) / before * 100:.1f}%）" if before else ""
        text = f"{sign}{size}{unit}{pct}"
    return text if exact else "约" + text


def change_sentence(f: IndicatorFacts, table: pd.DataFrame, year: int) -> str:
    """{name}：N个地区两年均有数字，与{year-1}年相比a个上升、b个下降、c个持平。"""
    up, down = int((table["delta"] > 0).sum()), int((table["delta"] < 0).sum())
    flat = len(table) - up - down
    parts = [f"{n}个{w}" for n, w in ((up, "上升"), (down, "下降"), (flat, "持平")) if n]
    return f"{f.name}：{len(table)}个地区两年均有数字，与{year - 1}年相比" + "、".join(parts) + "。"
