"""Ranks, medians, composite scores and coverage as pure functions on DataFrames.

Input frames use the columns of data.load_values (place, key, name, kind, unit, direction, value,
qualifier, ...) and a list of the peer group's places; nothing here touches the database."""

from __future__ import annotations

import pandas as pd

from dashboard.fmt import UNRANKED, format_value

COMPOSITE_METHOD = """\
**综合得分怎么算**

1. 对所选每项指标，只在当前同级对比组内、且有该项数据的地区之间计算标准分（z 分数）：
   z = （该地区数值 − 组内平均值） ÷ 组内标准差（总体标准差）。
2. “越低越好”的指标（如行政诉讼败诉率、行政复议纠错率）把 z 分数取相反数，使得分越高越好。
3. 组内少于 2 个地区有数据的指标不参与计算；组内数值完全相同时，各地区该项 z 分数记为 0。
4. 综合得分 = 各地区已有指标 z 分数按所设权重的加权平均（缺少的指标不按 0 计，权重在已有指标间重新分配）。
5. 参与计算的指标少于“至少指标数”的地区不排名，列为“未排名”。
6. 排名采用竞争排名（1、2、2、4）：得分相同者名次相同，下一名次跳过。

数值带“余、约、近”等限定词的，按报告所写数字计算。"""


def competition_rank(values: pd.Series, direction: str) -> pd.Series:
    """Competition ranking (1, 2, 2, 4); a `lower` indicator ranks its smallest value first.

    Missing values get no rank (<NA>); `neutral` indicators are ordered from high to low."""
    ascending = direction == "lower"
    return values.rank(method="min", ascending=ascending, na_option="keep").astype("Int64")


def rank_indicator(values: pd.DataFrame, peers: list[str], direction: str, kind: str) -> pd.DataFrame:
    """One indicator's rank table: every peer, ranked ones first, places without the figure as 未排名."""
    have = values.drop_duplicates("place").set_index("place")
    frame = pd.DataFrame({"place": list(dict.fromkeys(peers))})
    frame["value"] = frame["place"].map(have["value"]) if len(have) else float("nan")
    frame["qualifier"] = frame["place"].map(have["qualifier"]) if len(have) else None
    frame["rank"] = competition_rank(frame["value"], direction)
    frame = frame.sort_values(["rank", "place"], na_position="last", kind="stable")
    return pd.DataFrame(
        {
            "排名": [UNRANKED if pd.isna(r) else str(int(r)) for r in frame["rank"]],
            "地区": frame["place"].to_list(),
            "数值": [
                format_value(v, q, kind) for v, q in zip(frame["value"], frame["qualifier"], strict=True)
            ],
        }
    )


def peer_medians(values: pd.DataFrame) -> pd.Series:
    """The median of each key over the places that give it (one value per place)."""
    one = values.drop_duplicates(["place", "key"])
    return one.groupby("key")["value"].median()


def zscores(values: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """place × key z-scores within the group, sign-flipped for `lower` keys; keys with < 2 values dropped."""
    one = values[values["key"].isin(keys)].drop_duplicates(["place", "key"])
    wide = one.pivot(index="place", columns="key", values="value")
    direction = one.drop_duplicates("key").set_index("key")["direction"]
    out = {}
    for key in keys:
        if key not in wide or wide[key].count() < 2:
            continue
        col = wide[key]
        std = col.std(ddof=0)
        z = (col - col.mean()) / std if std > 0 else col * 0.0
        out[key] = -z if direction.get(key) == "lower" else z
    return pd.DataFrame(out, index=wide.index)


def composite_scores(
    values: pd.DataFrame, peers: list[str], weights: dict[str, float], min_indicators: int
) -> pd.DataFrame:
    """Weighted mean of z-scores per place, ranked; places with fewer than `min_indicators` usable
    indicators (or no positive weight) stay 未排名. Columns: 排名, 地区, 综合得分, 参与指标数, then z per key."""
    keys = [k for k, w in weights.items() if w > 0]
    z = zscores(values, keys).reindex(list(dict.fromkeys(peers)))
    w = pd.Series({k: weights[k] for k in z.columns}, dtype="float64")
    used = z.notna()
    count = used.sum(axis=1).astype(int)
    weight_sum = used.mul(w, axis=1).sum(axis=1)
    score = z.fillna(0).mul(w, axis=1).sum(axis=1) / weight_sum.where(weight_sum > 0)
    score = score.where(count >= max(min_indicators, 1))
    rank = competition_rank(score.round(9), "higher")
    frame = pd.DataFrame(
        {"place": z.index, "score": score.to_numpy(), "count": count.to_numpy(), "rank": rank.to_numpy()}
    )
    frame = pd.concat([frame, z.reset_index(drop=True).round(3)], axis=1)
    frame = frame.sort_values(["rank", "place"], na_position="last", kind="stable")
    out = pd.DataFrame(
        {
            "排名": [UNRANKED if pd.isna(r) else str(int(r)) for r in frame["rank"]],
            "地区": frame["place"].to_list(),
            "综合得分": frame["score"].round(3).to_list(),
            "参与指标数": frame["count"].to_list(),
        }
    )
    for key in z.columns:
        out[key] = frame[key].to_list()
    return out


def labelled(values: pd.DataFrame) -> pd.DataFrame:
    """The values with a `label` column that keeps the qualifier (`20,000+`, `≈98`, `56.95%`)."""
    labels = [
        format_value(v, q, k)
        for v, q, k in zip(values["value"], values["qualifier"], values["kind"], strict=True)
    ]
    return values.assign(label=labels)


def value_table(values: pd.DataFrame, peers: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """The numbers behind one indicator's chart, sorted high to low, and the peers without the figure."""
    have = labelled(values.drop_duplicates("place")).sort_values(["value", "place"], ascending=[False, True])
    given = set(have["place"])
    missing = [p for p in dict.fromkeys(peers) if p not in given]
    table = pd.DataFrame(
        {
            "地区": have["place"].to_list(),
            "数值": have["label"].to_list(),
            "原值": have["value"].to_list(),
            "单位": have["unit"].to_list(),
            "推算": ["是" if d else "" for d in have["derived"]],
            "依据原文": have["evidence"].to_list(),
        }
    )
    return table, missing
