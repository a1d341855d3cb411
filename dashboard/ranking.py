"""Comparisons, ranks, the composite and year-over-year change as pure functions on DataFrames.

Input frames have the columns of data.load_values (place, year, key, name, kind, unit, direction,
value, unit_as_written, qualifier, derived, evidence, ...); an indicator is described by its row of
data.load_defs (key, name, kind, unit, unit_groups, direction). Nothing here touches the database or
Streamlit, so the pages and the briefing generator share it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from dashboard.fmt import (
    DIRECTION_NAMES,
    GROUP_TOO_SMALL,
    MISSING,
    OTHER_UNIT,
    TOO_FEW,
    UNRANKED,
    format_change,
    format_number,
    format_value,
    rank_text,
)

MIN_SHARE = 0.8  # a place enters the composite when it reports at least this share of the indicators
MIN_GROUP = 5  # a smaller peer group gets no composite

COMPOSITE_METHOD = f"""\
**综合得分怎么算**（参照 County Health Rankings 的做法）

1. 默认只用**比率类**指标（如败诉率、出庭应诉率）：件数、次数随地区大小而变，没有人口等基数时不参与综合得分。
2. 对每项指标，只在当前对比组内、有该项数据的地区之间计算**标准分**（z 分数）：
   标准分 = （该地区数值 − 组内平均值） ÷ 组内标准差；“越低越好”的指标取相反数，使标准分越高越好。
   组内只有 1 个地区有数据、或数值完全相同时，该项标准分记为 0。
3. 一个地区须报告所选指标的 **{MIN_SHARE:.0%} 以上**才排名，否则列为“{TOO_FEW}”。
   达到比例但缺某项的，该项以**组中位数**填补（标准分约为平均水平，不奖励缺报），并在表中注明。
4. 综合得分 = 各项标准分按所设权重的加权平均。
5. 对比组少于 {MIN_GROUP} 个地区时不计算综合得分（“{GROUP_TOO_SMALL}”）：标准差没有意义。
6. 排名为竞争排名（1、2、2、4），写作“名次/参与排名的地区数”，如 2/7。

数值带“余、约、近”等限定词的，按报告所写数字计算。"""


def labelled(values: pd.DataFrame) -> pd.DataFrame:
    """The values with a `label` column that keeps the qualifier (`20,000+`, `≈98`, `56.95%`)."""
    labels = [
        format_value(v, q, k)
        for v, q, k in zip(values["value"], values["qualifier"], values["kind"], strict=True)
    ]
    return values.assign(label=labels)


def competition_rank(values: pd.Series, direction: str) -> pd.Series:
    """Competition ranking (1, 2, 2, 4); a `lower` indicator ranks its smallest value first."""
    ascending = direction == "lower"
    return values.rank(method="min", ascending=ascending, na_option="keep").astype("Int64")


# ── units ──────────────────────────────────────────────────────────────────────────────────────────
def unit_classes(unit_groups: str | None) -> list[set[str]]:
    """`户次,家次|…` (indicator_defs.unit_groups) as sets of written units that compare only among
    themselves; every other unit of the key is in the main class."""
    return [set(g.split(",")) for g in (unit_groups or "").split("|") if g]


def split_units(rows: pd.DataFrame, d: Mapping) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """One key's rows split into those compared and those in units that do not compare (户次 beside
    次), with the unit of the comparison. The main class (the key's display unit) is compared when
    anyone gives it, else the class most places give."""
    classes = unit_classes(d.get("unit_groups"))
    if rows.empty or not classes:
        return rows, rows.iloc[0:0], str(d["unit"])
    cls = rows["unit_as_written"].map(lambda u: next((n for n, g in enumerate(classes, 1) if u in g), 0))
    if (cls == 0).any():
        chosen = 0
    else:
        counts = cls.value_counts()
        chosen = int(counts[counts == counts.max()].index.min())
    kept = rows[cls == chosen]
    unit = str(d["unit"]) if chosen == 0 else str(kept["unit_as_written"].mode().iloc[0])
    return kept, rows[cls != chosen], unit


# ── one indicator in a peer group ──────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Comparison:
    """One indicator across a peer group: `table` has one row per peer (place, value, label,
    unit_as_written, derived, evidence, status ok | other_unit | missing, rank, rank_text, versus),
    best first; `median` is over the compared places; `references` are (label, value, text)."""

    key: str
    name: str
    kind: str
    direction: str
    unit: str
    table: pd.DataFrame
    median: float | None
    references: list[tuple[str, float, str]] = field(default_factory=list)

    @property
    def compared(self) -> int:
        return int((self.table["status"] == "ok").sum())


def compare_indicator(
    values: pd.DataFrame, peers: list[str], d: Mapping, references: Mapping[str, str] | None = None
) -> Comparison:
    """Compare one indicator (`d`: its defs row) across the peers: ranks (`2/7`, none for neutral
    keys), better or worse than the peer median, places in other units and places without the figure.
    `references` maps a label (全国, 河南省) to its place in `values`; only rates get reference lines (a
    national count is a total, not a level to compare a county with)."""
    rows = labelled(values[values["key"] == d["key"]]).drop_duplicates("place")
    ref_rows = rows.set_index("place")
    peer_rows = rows[rows["place"].isin(peers)]
    kept, other, unit = split_units(peer_rows, d)
    median = float(kept["value"].median()) if len(kept) else None
    direction = str(d["direction"])
    table = pd.DataFrame({"place": list(dict.fromkeys(peers))})
    by_place = peer_rows.set_index("place")
    for col in ("value", "label", "unit_as_written", "derived", "evidence", "qualifier"):
        table[col] = table["place"].map(by_place[col]) if len(by_place) else None
    table["status"] = "missing"
    table.loc[table["place"].isin(kept["place"]), "status"] = "ok"
    table.loc[table["place"].isin(other["place"]), "status"] = "other_unit"
    ok = table["status"] == "ok"
    if direction == "neutral":
        table["rank"] = pd.array([pd.NA] * len(table), dtype="Int64")
    else:
        table["rank"] = competition_rank(table["value"].where(ok), direction)
    n = int(ok.sum())
    table["rank_text"] = [
        rank_text(r, n) if s == "ok" and direction != "neutral" else ""
        for r, s in zip(table["rank"], table["status"], strict=True)
    ]
    table["versus"] = [
        _versus(v, median, direction) if s == "ok" else None
        for v, s in zip(table["value"], table["status"], strict=True)
    ]
    table["order"] = table["status"].map({"ok": 0, "other_unit": 1, "missing": 2})
    sign = 1.0 if direction == "lower" else -1.0
    table["sort"] = table["value"].where(ok) * sign
    table = table.sort_values(["order", "sort", "place"], na_position="last", kind="stable")
    table = table.drop(columns=["order", "sort"]).reset_index(drop=True)
    refs = []
    if d["kind"] == "rate":
        for label, place in (references or {}).items():
            if place in ref_rows.index:
                r = ref_rows.loc[place]
                refs.append((label, float(r["value"]), format_value(r["value"], r["qualifier"], d["kind"])))
    return Comparison(str(d["key"]), str(d["name"]), str(d["kind"]), direction, unit, table, median, refs)


def _versus(value: float, median: float | None, direction: str) -> str | None:
    """较好 / 较差 / 持平 against the median, by direction; None for neutral keys."""
    if direction == "neutral" or median is None or pd.isna(value):
        return None
    if value == median:
        return "持平"
    return "较好" if (value > median) == (direction == "higher") else "较差"


def rank_display(cmp: Comparison) -> pd.DataFrame:
    """The rank table a reader sees: 排名 as `2/7` (no 排名 column for a neutral key: sorted, not
    ranked), 数值 with the unit as written, 与组中位数比, 推算 marked, 说明 for the unranked."""
    t = cmp.table
    why = {"ok": "", "other_unit": OTHER_UNIT, "missing": "报告未给出（不计为 0）"}
    values = [
        lbl + ("" if cmp.kind == "rate" or not isinstance(u, str) else u) if s != "missing" else MISSING
        for lbl, u, s in zip(t["label"], t["unit_as_written"], t["status"], strict=True)
    ]
    out = {}
    if cmp.direction != "neutral":
        out["排名"] = [
            rt if s == "ok" else UNRANKED for rt, s in zip(t["rank_text"], t["status"], strict=True)
        ]
    out["地区"] = t["place"].to_list()
    out["数值"] = values
    if cmp.direction != "neutral":
        out["与组中位数比"] = [v if isinstance(v, str) else "" for v in t["versus"]]
    out["推算"] = ["是" if d is True else "" for d in t["derived"]]
    out["说明"] = [why[s] for s in t["status"]]
    out["依据原文"] = [e if isinstance(e, str) else "" for e in t["evidence"]]
    return pd.DataFrame(out)


def rank_download(comparisons: list[Comparison], group_label: str) -> pd.DataFrame:
    """Every indicator's rank table in one long sheet for download: numbers numeric, rank as `2/7`."""
    frames = []
    for c in comparisons:
        t = c.table
        frames.append(
            pd.DataFrame(
                {
                    "对比组": group_label,
                    "指标": c.name,
                    "方向": DIRECTION_NAMES[c.direction],
                    "排名": [
                        ("" if c.direction == "neutral" else rt)
                        if s == "ok"
                        else (OTHER_UNIT if s == "other_unit" else UNRANKED)
                        for rt, s in zip(t["rank_text"], t["status"], strict=True)
                    ],
                    "地区": t["place"],
                    "数值": t["value"].astype(float),
                    "原文单位": t["unit_as_written"],
                    "显示值": [
                        lbl if s != "missing" else MISSING
                        for lbl, s in zip(t["label"], t["status"], strict=True)
                    ],
                    "组中位数": c.median,
                    "与组中位数比": t["versus"],
                    "推算": ["是" if d is True else "" for d in t["derived"]],
                    "依据原文": t["evidence"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def peer_medians(values: pd.DataFrame, defs: pd.DataFrame | None = None) -> pd.Series:
    """The median of each key over the places that give it (one value per place); with `defs`, only
    over the places whose unit compares (split_units)."""
    one = values.drop_duplicates(["place", "key"])
    if defs is None:
        return one.groupby("key")["value"].median()
    out = {}
    for key, rows in one.groupby("key"):
        kept, _, _ = split_units(rows, defs.set_index("key").loc[key].to_dict() | {"key": key})
        out[key] = kept["value"].median()
    return pd.Series(out, dtype="float64")


# ── the composite ──────────────────────────────────────────────────────────────────────────────────
def composite_keys(defs: pd.DataFrame) -> list[str]:
    """The keys a composite may use: directional rates (counts have no per-capita base here)."""
    return defs.loc[(defs["kind"] == "rate") & (defs["direction"] != "neutral"), "key"].to_list()


def composite_scores(
    values: pd.DataFrame,
    peers: list[str],
    weights: Mapping[str, float],
    defs: pd.DataFrame,
    *,
    min_share: float = MIN_SHARE,
    min_group: int = MIN_GROUP,
) -> pd.DataFrame:
    """The composite table: 排名 (`1/5`, 未排名（数据不足）, 对比组过小), 地区, 综合得分（标准分）,
    报告指标数, 说明, then per indicator its value and its 标准分 side by side.

    Standard scores are taken within the peer group over the places that report the key (sign
    flipped for `lower` keys); a place reporting ≥ min_share of the keys is ranked, its missing keys
    filled with the group median's standard score (marked); fewer is 未排名（数据不足）; a group of
    fewer than min_group places gets no composite. Non-rate or neutral keys are ignored."""
    allowed = set(composite_keys(defs))
    keys = [k for k, w in weights.items() if w > 0 and k in allowed]
    info = defs.set_index("key")
    places = list(dict.fromkeys(peers))
    one = values[values["key"].isin(keys) & values["place"].isin(places)].drop_duplicates(["place", "key"])
    wide = one.pivot(index="place", columns="key", values="value").reindex(index=places, columns=keys)
    labels = (
        labelled(one).pivot(index="place", columns="key", values="label").reindex(index=places, columns=keys)
    )
    z = pd.DataFrame(index=places, columns=keys, dtype="float64")
    median_z = {}
    for key in keys:
        col = wide[key]
        std = col.std(ddof=0)
        sign = -1.0 if info.loc[key, "direction"] == "lower" else 1.0
        if col.count() >= 2 and std > 0:
            z[key] = sign * (col - col.mean()) / std
            median_z[key] = sign * (col.median() - col.mean()) / std
        else:
            z[key] = col * 0.0
            median_z[key] = 0.0
    reported = wide.notna().sum(axis=1)
    need = min_share * len(keys)
    enough = reported >= need - 1e-9
    filled = z.copy()
    for key in keys:
        filled[key] = filled[key].fillna(median_z[key])
    w = pd.Series({k: float(weights[k]) for k in keys}, dtype="float64")
    small = len(places) < min_group
    score = (
        (filled.mul(w, axis=1).sum(axis=1) / w.sum()).where(enough & (not small))
        if keys
        else pd.Series(float("nan"), index=places)
    )
    rank = competition_rank(score.round(9), "higher")
    n_ranked = int(rank.notna().sum())
    frame = pd.DataFrame(
        {"place": places, "score": score.to_numpy(), "rank": rank.to_numpy(), "n": reported.to_numpy()}
    )
    frame = frame.sort_values(
        ["rank", "n", "place"], ascending=[True, False, True], na_position="last", kind="stable"
    )
    order = frame["place"].to_list()
    out = pd.DataFrame(
        {
            "排名": [
                GROUP_TOO_SMALL if small else TOO_FEW if pd.isna(r) else rank_text(r, n_ranked)
                for r in frame["rank"]
            ],
            "地区": order,
            "综合得分（标准分）": frame["score"].round(2).to_list(),
            "报告指标数": [f"{int(n)}/{len(keys)}" for n in frame["n"]],
            "说明": [
                "、".join(f"{info.loc[k, 'name']}以组中位数填补" for k in keys if pd.isna(wide.loc[p, k]))
                if ok and not small
                else ""
                for p, ok in zip(order, enough.reindex(order), strict=True)
            ],
        }
    )
    for key in keys:
        name = info.loc[key, "name"]
        out[name] = [labels.loc[p, key] if pd.notna(labels.loc[p, key]) else MISSING for p in order]
        out[f"{name}·标准分"] = [
            round(float(z.loc[p, key]), 2) if pd.notna(z.loc[p, key]) else None for p in order
        ]
    return out


def weights_text(weights: Mapping[str, float], defs: pd.DataFrame) -> str:
    """`行政诉讼败诉率（越低越好）×1、出庭应诉率（越高越好）×2`: what a composite chart names."""
    info = defs.set_index("key")
    return "、".join(
        f"{info.loc[k, 'name']}（{DIRECTION_NAMES[info.loc[k, 'direction']]}）×{format_number(w)}"
        for k, w in weights.items()
        if w > 0 and k in info.index
    )


# ── year over year ─────────────────────────────────────────────────────────────────────────────────
def year_over_year(history: pd.DataFrame, peers: list[str], d: Mapping, year: int) -> pd.DataFrame:
    """Each peer's change in one indicator since its previous report (the latest earlier year it
    gives the figure in), best improvement first for directional keys (largest change first for
    neutral ones). Columns: 地区, 上期年度, 上期数值, 本期数值, 变化, 评价, and the numbers 变化值 and
    改善幅度 (change × +1 / −1 by direction; empty for neutral keys) for the chart."""
    rows = history[(history["key"] == d["key"]) & history["place"].isin(peers) & (history["year"] <= year)]
    rows = labelled(rows).drop_duplicates(["place", "year"])
    classes = unit_classes(d.get("unit_groups"))
    cls = rows["unit_as_written"].map(lambda u: next((n for n, g in enumerate(classes, 1) if u in g), 0))
    rows = rows.assign(cls=cls)
    sign = {"higher": 1.0, "lower": -1.0}.get(str(d["direction"]))
    out = []
    for place in dict.fromkeys(peers):
        mine = rows[rows["place"] == place].sort_values("year")
        now = mine[mine["year"] == year]
        before = mine[mine["year"] < year]
        if now.empty:
            continue
        n = now.iloc[-1]
        if before.empty:
            out.append(
                {
                    "地区": place,
                    "上期年度": None,
                    "上期数值": MISSING,
                    "本期数值": n["label"],
                    "变化": "",
                    "评价": "无上期数据",
                    "变化值": None,
                    "改善幅度": None,
                }
            )
            continue
        b = before.iloc[-1]
        if b["cls"] != n["cls"]:
            out.append(
                {
                    "地区": place,
                    "上期年度": int(b["year"]),
                    "上期数值": b["label"] + str(b["unit_as_written"]),
                    "本期数值": n["label"] + str(n["unit_as_written"]),
                    "变化": "",
                    "评价": OTHER_UNIT,
                    "变化值": None,
                    "改善幅度": None,
                }
            )
            continue
        change = float(n["value"]) - float(b["value"])
        gain = change * sign if sign is not None else None
        verdict = "中性指标" if sign is None else "持平" if change == 0 else "改善" if gain > 0 else "退步"
        out.append(
            {
                "地区": place,
                "上期年度": int(b["year"]),
                "上期数值": b["label"],
                "本期数值": n["label"],
                "变化": format_change(change, str(d["kind"])),
                "评价": verdict,
                "变化值": change,
                "改善幅度": gain,
            }
        )
    table = pd.DataFrame(
        out, columns=["地区", "上期年度", "上期数值", "本期数值", "变化", "评价", "变化值", "改善幅度"]
    )
    sort = "变化值" if sign is None else "改善幅度"
    table = table.sort_values([sort, "地区"], ascending=[False, True], na_position="last", kind="stable")
    table["上期年度"] = table["上期年度"].astype("Int64")
    return table.reset_index(drop=True)
