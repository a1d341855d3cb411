"""The briefing's sections in order — title, scope, one block per indicator group (sentences, the
picture, the rank table), the change since the year before, and the notes (definitions, method,
corrections, sources) — written from a Gathered group into a python-docx document."""

from __future__ import annotations

import struct
from datetime import date

import pandas as pd

from dashboard.briefing import facts as F
from dashboard.briefing import word
from dashboard.briefing.gather import Gathered, file_name
from dashboard.briefing.pictures import group_picture
from dashboard.fmt import DIRECTION_NAMES, LEVEL_NAMES

NUMERALS = "一二三四五六七八九十"
METHOD = [
    "名次：同一对比组内按竞争排名（1、2、2、4），数值相同者名次相同、下一名次顺延；“越高越好”的指标数值大者在前，"
    "“越低越好”的指标数值小者在前。名次写作“名次/总数”，总数为组内报告了该项数字的地区数。",
    "中性指标（如收案数、调解纠纷数）数值大小不表示好坏，只按数值由大到小排列，不排名次，表中记“—”。",
    "缺失：报告未给出的数字记为“无数据”，不按 0 计，不参与名次、中位数和上年比较。",
    "中位数：组内报告了该项数字的地区的数值中位数，图中以灰色虚线标出。",
    "参照线：全国（及所在省、市）本年度报告中的数字，只对比率类指标画出；数量类指标因地区规模不同，不画参照线。",
    "限定词：报告写作“余、多、以上”的数字标“+”，写作“约”的标“≈”，写作“不足、近”的标“<”；计算名次与中位数时按报告所写数字。",
    "推算：个别比率由报告中的两个数字计算（如纠错率＝纠错件数÷审结件数），表中注“推算”，图中以斜线条表示。",
    "上年比较：同一地区上一年度报告中的同项数字；比率的变化以百分点计，数量的变化附变化幅度。",
    "综合得分：本简报不计算综合得分，各项指标分别列示。",
]


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG header (IHDR), without decoding the picture."""
    return struct.unpack(">II", png[16:24])


def _chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _numeral(n: int) -> str:
    return NUMERALS[n - 1] if n <= 10 else str(n)


def group_facts(g: Gathered) -> list[tuple[str, list[F.IndicatorFacts]]]:
    """(group name, facts of its chosen indicators) for each indicator group, in display order."""
    out: dict[str, list[F.IndicatorFacts]] = {}
    for _, d in g.defs.iterrows():
        out.setdefault(d["group_name"], []).append(F.indicator_facts(g.values, d, g.peers))
    return list(out.items())


def rank_rows(block: list[F.IndicatorFacts], peers: list[str]) -> tuple[list[str], list[list[str]]]:
    """The group's rank table: a row per place (ordered as the first indicator), a column per
    indicator holding the value with its qualifier, then 名次/总数 (or 无数据), then any note."""
    first = block[0]
    order = first.have["place"].to_list() + first.missing
    order += [p for p in peers if p not in order]
    header = ["地区"] + [f"{f.name}\n{'%' if f.kind == 'rate' else f.unit}" for f in block]
    rows = []
    for place in order:
        cells = [place]
        for f in block:
            label, rank = f.label(place), f.rank_text(place)
            note = F.notes_of(f, place, f.unit)
            cells.append(label if label == F.MISSING else "\n".join(x for x in (label, rank, note) if x))
        rows.append(cells)
    return header, rows


def _widths(n: int, first: float = 3.4) -> list[float]:
    total = word.TEXT_WIDTH.cm
    return [first] + [(total - first) / n] * n


def scope(doc, g: Gathered, made: date) -> None:
    spec, reports = g.spec, g.reports
    word.heading(doc, "一、对比范围")
    level = LEVEL_NAMES.get(spec.level, spec.level)
    word.para(
        doc,
        f"对比组：{spec.name()}（{level}，{spec.year}年度），共{len(reports)}个地区的{spec.year}年度报告已载入："
        f"{F.names(reports['place'].to_list())}。",
    )
    if len(g.absent):
        missing = [
            f"{p}（最近为{max(ys)}年度）" for p, ys in zip(g.absent["place"], g.absent["years"], strict=True)
        ]
        word.para(doc, f"未载入{spec.year}年度报告的地区（据已载入的其他年度报告）：{F.names(missing)}。")
    else:
        word.para(doc, f"已载入的其他年度报告中，没有本对比组在{spec.year}年度缺报告的地区。")
    silent = sorted(set(g.peers) - set(g.values["place"]))
    if silent:
        word.para(doc, f"报告已载入、但未给出所列任何指标数字的地区：{F.names(silent)}。")
    names = "、".join(g.defs["name"])
    word.para(doc, f"指标：{names}（共{len(g.defs)}项）。")
    refs = g.references.drop_duplicates("label")["label"].to_list()
    if refs:
        word.para(doc, f"参照：{('、'.join(refs))}本年度报告中的同项数字（仅比率类指标）。")
    word.para(doc, f"生成日期：{_chinese_date(made)}。数据来源：各地法治政府建设年度报告，法治对标整理。")


def groups(doc, g: Gathered, blocks) -> None:
    word.heading(doc, "二、主要指标对比")
    subtitle = f"{g.spec.name()}（{g.spec.year}年，{len(g.peers)}个地区）"
    n = 0
    for name, block in blocks:
        if not any(len(f.have) for f in block):
            continue
        n += 1
        word.heading(doc, f"（{_numeral(n)}）{name}", level=2)
        for f in block:
            word.para(doc, F.sentence(f, g.references))
        png = group_picture(f"{name}（{g.spec.year}年）", subtitle, block, g.references)
        word.picture(doc, png, _png_size(png))
        word.caption(doc, f"图{n}  {name}：{subtitle}", keep=False)
        header, rows = rank_rows(block, g.peers)
        word.caption(doc, f"表{n}  {name}名次（地区按“{block[0].name}”排列）")
        word.table(doc, header, rows, _widths(len(block)))
    empty = [name for name, block in blocks if not any(len(f.have) for f in block)]
    if empty:
        word.para(doc, f"以下类别的所列指标，对比组内均无数据：{'、'.join(empty)}。")


def changes(doc, g: Gathered, blocks, number: int) -> bool:
    """与上年比较, when a previous year is loaded for any place of the group; False when there is none."""
    if g.previous.empty:
        return False
    word.heading(doc, f"{_numeral(number)}、与{g.spec.year - 1}年比较")
    rows = []
    for _, block in blocks:
        for f in block:
            table = F.change(f, g.previous)
            if table.empty:
                continue
            word.para(doc, F.change_sentence(f, table, g.spec.year))
            rows += [[f.name, r["地区"], r["上年"], r["本年"], r["变化"]] for _, r in table.iterrows()]
    if not rows:
        word.para(doc, f"对比组内没有地区在{g.spec.year - 1}年和{g.spec.year}年都报告了所列指标的数字。")
        return True
    word.caption(doc, f"表  与{g.spec.year - 1}年比较（两年均有数字的地区）")
    word.table(
        doc,
        ["指标", "地区", f"{g.spec.year - 1}年", f"{g.spec.year}年", "变化"],
        rows,
        [3.6, 3.2, 2.6, 2.6, 3.6],
        left=(0, 1),
    )
    return True


def notes(doc, g: Gathered, number: int) -> None:
    word.heading(doc, f"{_numeral(number)}、附注")
    word.heading(doc, "（一）指标定义", level=2)
    word.table(
        doc,
        ["指标", "单位", "方向", "定义"],
        [
            [
                d["name"],
                "%" if d["kind"] == "rate" else d["unit"],
                DIRECTION_NAMES[d["direction"]],
                d["definition"],
            ]
            for _, d in g.defs.iterrows()
        ],
        [3.2, 1.2, 2.8, 8.4],
        left=(0, 3),
    )
    word.heading(doc, "（二）计算方法", level=2)
    for n, line in enumerate(METHOD, 1):
        word.para(doc, f"{n}. {line}", size=12)
    word.heading(doc, "（三）数据更正", level=2)
    corr = g.corrections
    if corr.empty:
        word.para(doc, "本对比组的报告没有人工更正，所列数字均为从报告中自动提取。", size=12)
    else:
        place = dict(zip(g.reports["report_id"], g.reports["place"], strict=True))
        intro = word.para(doc, f"以下{len(corr)}处数字经人工更正，简报中使用更正后的数字：", size=12)
        intro.paragraph_format.keep_with_next = True
        word.table(
            doc,
            ["地区", "项目", "原提取值", "更正为", "理由"],
            [
                [
                    place.get(r["report_id"], r["report_id"]),
                    r["field_name"],
                    "（无）" if pd.isna(r["old_value"]) else F.format_number(r["old_value"]),
                    r["new_value"] or "（删除）",
                    r["reason"],
                ]
                for _, r in corr.iterrows()
            ],
            [2.8, 3.0, 2.2, 2.2, 5.4],
            left=(0, 1, 4),
        )
    word.heading(doc, "（四）资料来源", level=2)
    sources = [(r["place"], r["title"], r["source"]) for _, r in g.reports.iterrows()]
    used = set(g.previous["report_id"])  # the year before's reports that the comparison quotes
    sources += [
        (f"{r['place']}（{r['year']}年度）", r["title"], r["source"])
        for _, r in g.before.iterrows()
        if r["report_id"] in used
    ]
    sources += [
        (r["label"], r["title"], r["source"]) for _, r in g.references.drop_duplicates("report_id").iterrows()
    ]
    for n, (place, title, source) in enumerate(sources, 1):
        shown = title if isinstance(title, str) and title.strip() else "（报告未写标题）"
        word.para(doc, f"{n}. {place}：{shown}（文件：{file_name(source)}）", size=12, indent=False)


def compose(g: Gathered, made: date | None = None) -> bytes:
    """The whole briefing as .docx bytes."""
    made = made or date.today()
    doc = word.new_document(g.spec.title())
    word.heading(doc, g.spec.title(), level=0)
    word.para(doc, f"法治对标  {_chinese_date(made)}", indent=False, size=12, align=1)
    blocks = group_facts(g)
    scope(doc, g, made)
    groups(doc, g, blocks)
    number = 4 if changes(doc, g, blocks, 3) else 3
    notes(doc, g, number)
    return word.to_bytes(doc)
