"""Synthetic 法治政府建设年度报告 for benchmarks only, with a manifest of every value written.

    .venv/bin/python benchmarks/make_corpus.py N OUTDIR [--seed 7]

Writes OUTDIR/reports/<province code>/<nnnnn>_<adcode>_<year>.txt|.html and OUTDIR/manifest.json
(the format of ../shared/gold/seeds.json, so shared/tools/score_extraction.py can score a run).
Every file says 【合成数据：仅供性能测试，非真实报告】 in its first line: these files are for timing
and scale checks and never belong in data/ or the default database.

Jurisdictions are real county- and prefecture-level names from cpca's division table (3,000 of
them, seeded), five years each from 2019–2024, so N = 15,000 is 3,000 places × 5 years and a
smaller N is a prefix. Sentences come from phrasing families like the sample reports' (see
TEMPLATES), with plausible random figures written as 1,024 / 2万余 / 一百二十 / 约3200, plus
distractors that must NOT be extracted (a change rate, another year, a township sub-part, next
year's plan). About 10 % of files are in traditional script, 15 % GBK, 3 % saved web pages,
and 90 % use full-width punctuation as typed reports do.
The same N and seed always give the same corpus."""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.parse.metadata import Place, load_places
from tests.support.paths import ROOT

MARKER = "【合成数据：仅供性能测试，非真实报告】"
PLACES = 3000
PER_PLACE = 5  # years per place: 2019–2023 or 2020–2024
SHARE_TRADITIONAL, SHARE_GBK, SHARE_HTML = 0.10, 0.15, 0.03
SHARE_FULL_WIDTH = 0.9  # reports are mostly typed with full-width punctuation: ，：；（）

# key: (present with probability, low, high) for a county; a prefecture's counts are ×4.
COUNTS = {
    "reconsideration_received": (0.85, 20, 600),
    "litigation_cases": (0.75, 10, 400),
    "mediation_disputes": (0.8, 300, 20000),
    "pre_litigation_mediation": (0.35, 50, 5000),
    "admin_disputes_resolved": (0.35, 3, 200),
    "normative_documents_reviewed": (0.7, 3, 80),
    "major_decisions": (0.6, 1, 30),
    "case_files_reviewed": (0.6, 40, 2000),
    "joint_inspections": (0.55, 15, 2000),
    "no_penalty_cases": (0.45, 8, 2000),
    "legal_aid_cases": (0.6, 80, 3000),
    "legal_consultations": (0.5, 300, 50000),
    "exec_meeting_law_study": (0.7, 2, 24),
}
RATES = {  # key: (stated with probability, low, high, decimals)
    "reconsideration_settlement_rate": (0.35, 8, 70, 2),
    "reconsideration_resolution_rate": (0.25, 40, 95, 1),
    "litigation_loss_rate": (0.6, 0, 15, 2),
    "litigation_settlement_rate": (0.35, 5, 60, 2),
    "court_appearance_rate": (0.7, 90, 100, 1),
    "mediation_success_rate": (0.5, 95, 99.9, 1),
}
UNITS = {
    "reconsideration": "件件件起宗",
    "litigation_cases": "件件起",
    "mediation_disputes": "件件起",
    "pre_litigation_mediation": "件",
    "admin_disputes_resolved": "件起宗",
    "normative_documents_reviewed": "件个份",
    "major_decisions": "项个件",
    "case_files_reviewed": ["卷", "份", "件"],
    "joint_inspections": ["次", "次", "户次"],
    "no_penalty_cases": "件起",
    "legal_aid_cases": "件",
    "legal_consultations": ["次", "人次"],
    "exec_meeting_law_study": "次",
}

# Phrasing families. A template names the keys it writes as {key}; each slot becomes a figure
# with its unit. A template is used only when every key it names is in the report.
TEMPLATES = {
    "reconsideration": [
        "全年共受理行政复议案件{reconsideration_received},审结{reconsideration_closed},"
        "纠错{reconsideration_corrected}。",
        "{year}年新收行政复议申请{reconsideration_received},依法办结{reconsideration_closed}。",
        "全年收到行政复议案件{reconsideration_received},办结{reconsideration_closed},"
        "纠错{reconsideration_corrected},复议阶段调撤率{reconsideration_settlement_rate}。",
        "全年共收到行政复议申请{applications},依法受理{reconsideration_received}。",
        "全县行政复议案件受理数达{reconsideration_received}。",
        "发挥行政复议化解行政争议主渠道作用,全年收案行政复议案件{reconsideration_received}。",
        "全年行政复议申请量为{reconsideration_received}。",
        "行政复议新收案件{reconsideration_received},审结{reconsideration_closed}。",
        "依法受理行政复议申请{reconsideration_received}。",
        "全年受理行政复议案件{reconsideration_received},同比增长{change}。",
        "依法办结行政复议案件{reconsideration_closed}。",
        "行政复议直接纠错违法或不当行政行为{reconsideration_corrected}。",
        "办结行政复议案件{reconsideration_closed},作出撤销、变更、确认违法等决定{reconsideration_corrected}。",
        "行政复议纠错率为{reconsideration_correction_rate}。",
        "行政复议直接纠错率达到{reconsideration_correction_rate}。",
        "行政复议案件调解和解率达到{reconsideration_settlement_rate}。",
        "复议阶段调撤率{reconsideration_settlement_rate}。",
        "行政复议实质性化解率达到{reconsideration_resolution_rate}。",
        "复议案件实质性化解率为{reconsideration_resolution_rate}。",
    ],
    "litigation": [
        "全县各行政机关一审结案案件{litigation_cases},诉讼阶段调撤率{litigation_settlement_rate},"
        "败诉率为{litigation_loss_rate}。",
        "全年新收一审行政诉讼案件{litigation_cases}。",
        "全年行政诉讼一审收案{litigation_cases}。",
        "一审行政诉讼案件数量为{litigation_cases},同比下降{change}。",
        "全县行政机关共应诉一审行政案件{litigation_cases}。",
        "全年发生一审行政诉讼案件{litigation_cases},同比下降{change}。",
        "全年发生行政诉讼案件{litigation_cases},行政机关负责人出庭应诉率{court_appearance_rate}。",
        "行政机关败诉率{litigation_loss_rate},低于全省平均水平。",
        "行政诉讼败诉率为{litigation_loss_rate}。",
        "行政诉讼案件调撤率达到{litigation_settlement_rate}。",
        "积极履行应诉职责,行政机关负责人出庭应诉率达{court_appearance_rate}。",
        "行政机关负责人出庭应诉率继续保持{court_appearance_rate}。",
        "负责人出庭率为{court_appearance_rate}。",
    ],
    "disputes": [
        "全县人民调解组织共调解各类矛盾纠纷{mediation_disputes},调解成功率达{mediation_success_rate}。",
        "各级调解组织调处矛盾纠纷{mediation_disputes},其中疑难复杂案件{minor}件。",
        "不断延伸调解触角,全年共成功调解纠纷{mediation_disputes}。",
        "全年排查化解矛盾纠纷{mediation_disputes}。",
        "全年共排查调处各类矛盾纠纷{mediation_disputes},调处成功率{mediation_success_rate}。",
        "各级人民调解组织共受理矛盾纠纷{mediation_disputes},调解成功率{mediation_success_rate}。",
        "各类调解组织调解矛盾纠纷{mediation_disputes},调解成功率达到{mediation_success_rate}。",
        "人民调解调处成功率为{mediation_success_rate}。",
        "对法院下派的案件进行诉前调解,已化解{pre_litigation_mediation},诉前调解成功率达{pre_rate}。",
        "全年诉前调解案件{pre_litigation_mediation}。",
        "全年成功化解行政争议{admin_disputes_resolved}。",
        "召开协调会议{minor}次,化解行政争议{admin_disputes_resolved}。",
    ],
    "decisions": [
        "{year}年,共审查政府重大行政决策{major_decisions}、行政规范性文件{normative_documents_reviewed}。",
        "全年行政规范性文件合法性审核{normative_documents_reviewed}。",
        "备案审查规范性文件{normative_documents_reviewed}。",
        "全年审查行政规范性文件{normative_documents_reviewed},审查率达100%。",
        "全年作出重大行政决策{major_decisions}。",
        "审核行政规范性文件{normative_documents_reviewed},提出修改意见{minor}条。",
        "对{normative_documents_reviewed}行政规范性文件进行合法性审核。",
        "公布年度重大行政决策事项目录{major_decisions}。",
        "对{major_decisions}重大行政决策开展合法性审查。",
    ],
    "enforcement": [
        "开展案卷集中评查工作,评查案卷{case_files_reviewed},涉及执法单位{minor}个。",
        "全年抽查行政执法案卷{case_files_reviewed}。",
        "全年评查行政执法案卷{case_files_reviewed}。",
        "开展行政执法案卷评查,共评查案卷{case_files_reviewed}。",
        "对{no_penalty_cases}轻微违法行为依法不予处罚。",
        "严格落实案卷评查制度,抽查案卷{case_files_reviewed},共发现问题{minor}条。",
        "深入推进综合查一次,全年共完成跨部门执法检查{joint_inspections}。",
        "开展跨部门联合双随机抽查{joint_inspections}。",
        "累计开展联合执法检查{joint_inspections}。",
        "{year}年共办理不予处罚案件{no_penalty_cases}。",
        "全年适用首违不罚、轻微免罚案件{no_penalty_cases}。",
        "依法作出不予行政处罚决定{no_penalty_cases}。",
    ],
    "services": [
        "全年办理法律援助案件{legal_aid_cases}。",
        "法律援助机构共办理法律援助案件{legal_aid_cases},为群众挽回经济损失{minor}万元。",
        "县政府常务会议会前学法{exec_meeting_law_study}。",
        "县法律援助中心全年受理法律援助案件{legal_aid_cases}。",
        "共提供法律咨询服务{legal_consultations},办理法律援助案件{legal_aid_cases}。",
        "解答群众法律咨询{legal_consultations}。",
        "12348热线接听群众法律咨询{legal_consultations}。",
        "开展政府常务会议集体学法{exec_meeting_law_study},专题学习《中华人民共和国行政复议法》。",
        "全年累计开展常务会议学法{exec_meeting_law_study}。",
        "政府常务会议学法{exec_meeting_law_study}。",
        "组织召开政府常务会议学法{exec_meeting_law_study}。",
        "提供法律咨询{legal_consultations}。",
    ],
}
# Sentences that hold figures the extractor must leave alone ({py} previous year, {m} a count).
DISTRACTORS = [
    "行政复议案件数同比增长{pct}。",
    "{py}年受理行政复议案件{m}件。",
    "不予受理行政复议申请{s}件。",
    "各乡镇(街道)共审查规范性文件{s}件。",
    "各乡镇(街道)共调解矛盾纠纷{m}件。",
    "一审行政诉讼发案量同比减少{pct}。",
    "行政复议纠错率同比下降{s}.{s}个百分点。",
    "对全县{m}件行政规范性文件开展动态清理。",
    "评选优秀执法案卷{s}份,典型案例{s}个。",
    "建成法律援助工作站{s}个。",
    "出庭应诉率同比提高{s}个百分点。",
    "举行政府重大行政决定听证会{s}次。",
    "为{s}家企业提供涉外法律咨询、知识产权风险排查等服务。",
    "累计受理问题{m}件,办结率99.5%。",
]
PLAN = [  # after the plan heading: targets, never results
    "力争行政复议纠错率控制在{s}%以内。",
    "计划全年开展常务会议学法{s}次。",
    "争取调解矛盾纠纷{m}件以上,调解成功率保持{s}%以上。",
]
SECTIONS = [  # (heading, the template groups written under it)
    ("深入学习贯彻习近平法治思想,压实法治建设责任", ["services"]),
    ("健全依法决策机制,提升决策质量", ["decisions"]),
    ("严格规范公正文明执法,优化法治化营商环境", ["enforcement"]),
    ("强化行政权力监督,依法化解行政争议", ["reconsideration", "litigation"]),
    ("坚持和发展新时代枫桥经验,预防化解矛盾纠纷", ["disputes"]),
]
TITLES = [
    "{name}{year}年法治政府建设年度报告",
    "{name}人民政府关于{year}年度法治政府建设工作情况的报告",
    "{name}{year}年度法治政府建设工作情况报告",
    "{name}{year}年度法治政府建设情况的报告",
]
OPENINGS = [
    "{year}年,{name}坚持以习近平新时代中国特色社会主义思想为指导,深入贯彻习近平法治思想,"
    "全面推进法治政府建设各项工作。",
    "{year}年,{name}人民政府在上级党委政府的坚强领导下,扎实推进依法行政,法治政府建设取得新成效。",
    "{year}年,我{short}深入学习贯彻党的二十大精神,统筹推进法治政府建设,现将有关情况报告如下:",
]
OWN_FILLER = [
    "坚持把法治政府建设作为全局性、基础性工作来抓,定期研究部署重点任务",
    "健全党政主要负责人履行推进法治建设第一责任人职责制度,压紧压实各级责任",
    "持续深化放管服改革,进一步提升政务服务标准化、规范化、便利化水平",
    "全面落实行政执法公示、执法全过程记录、重大执法决定法制审核制度",
    "深入开展法治宣传教育,推动尊法学法守法用法在全社会蔚然成风",
    "加强政务公开平台建设,主动公开政府信息,保障群众知情权、参与权和监督权",
    "自觉接受人大监督、民主监督和社会舆论监督,认真办理人大代表建议和政协委员提案",
    "对照上级督察反馈问题,逐项制定整改措施,明确责任单位和完成时限",
]
SHORTFALLS = "存在的问题和不足"
HEADING = re.compile(r"[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|[|>]")
PLAN_WORDS = re.compile(r"工作(?:安排|思路|计划|打算|重点|设想|举措|目标)|下一步|下阶段|努力方向|主要任务")
NUMERALS = "零一二三四五六七八九十"
NOT_SCALED = {"exec_meeting_law_study", "major_decisions"}  # a prefecture meets and decides as often
# Keys whose templates read naturally with 约/近/超过 before the figure (解答法律咨询约3200次).
PREFIXABLE = {
    "mediation_disputes",
    "legal_consultations",
    "legal_aid_cases",
    "joint_inspections",
    "case_files_reviewed",
}
DERIVABLE = ("reconsideration_closed", "reconsideration_corrected", "reconsideration_correction_rate")
KEYS = {*COUNTS, *RATES, *DERIVABLE}  # every indicator key a template may name
SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Figure:
    """One figure as written in a report and as the manifest records it."""

    text: str  # figure with its unit and qualifier words: 2万余件, 约3200次, 98.6%
    value: int | float
    qualifier: str


def pick_places(seed: int) -> list[Place]:
    """PLACES county- and prefecture-level governments in a seeded order (the country has ~2,850
    county-level units, so about a tenth of the 3,000 are prefectures, which publish reports too)."""
    table, by_code = load_places(), {}
    for name, places in table.names.items():
        for p in places:  # the table's own name first: renamed forms (赞皇区) share the code
            if p.name == name and p.level in ("county", "prefecture"):
                by_code.setdefault(p.code, p)
    pool = [p for _, p in sorted(by_code.items()) if p.name[-1] in "县市区旗州盟" or p.name.endswith("地区")]
    random.Random(seed).shuffle(pool)
    return pool[:PLACES]


def plan_reports(n: int, seed: int) -> list[tuple[Place, int]]:
    """(place, year) for N reports: each place's five years in a row, so a prefix is whole places."""
    places, rng = pick_places(seed), random.Random(seed + 1)
    if n > len(places) * PER_PLACE:
        raise SystemExit(f"最多生成 {len(places) * PER_PLACE} 份（{len(places)} 个地区 × {PER_PLACE} 年）")
    plan = []
    for place in places:
        first = rng.choice((2019, 2020))
        plan += [(place, y) for y in range(first, first + PER_PLACE)]
    return plan[:n]


def write_count(rng: random.Random, value: int, unit: str, prefix: bool = False) -> Figure:
    """A count as reports write it: plain, 1,024, 二十三, 120余, 1.2万, 2万余, 约3200, full-width."""
    r = rng.random()
    if value >= 20000 and r < 0.3:
        if rng.random() < 0.5:
            return Figure(f"{value // 10000}万余{unit}", value // 10000 * 10000, "over")
        v = round(value / 1000) * 1000
        return Figure(f"{v / 10000:g}万{unit}", v, "exact")
    if value >= 30 and r < 0.15:
        v = value // 10 * 10 if value < 1000 else value // 100 * 100
        return Figure(f"{v}{rng.choice('余余多')}{unit}", v, "over")
    if 2 <= value < 1000 and r < 0.25:
        import cn2an

        return Figure(f"{cn2an.an2cn(value)}{unit}", value, "exact")
    if prefix and value >= 100 and r < 0.29:
        word, qualifier = rng.choice([("约", "approx"), ("近", "under"), ("超过", "over")])
        v = value // 100 * 100
        return Figure(f"{word}{v}{unit}", v, qualifier)
    if r < 0.32:
        return Figure(str(value).translate({c: c + 0xFEE0 for c in range(48, 58)}) + unit, value, "exact")
    return Figure(
        f"{value:,}{unit}" if value >= 1000 and rng.random() < 0.5 else f"{value}{unit}", value, "exact"
    )


def write_rate(rng: random.Random, value: float) -> Figure:
    """A rate: 56.95%, 100%, 百分之百, 百分之九十八, and 0 with no unit for 败诉率为0."""
    if value == 100 and rng.random() < 0.3:
        return Figure("百分之百", 100, "exact")
    if value == 0 and rng.random() < 0.5:
        return Figure(rng.choice(("0", "零")), 0, "exact")
    if value == int(value) and 10 < value < 100 and rng.random() < 0.2:
        import cn2an

        return Figure(f"百分之{cn2an.an2cn(int(value))}", value, "exact")
    return Figure(f"{value:g}%", value, "exact")


def draw_figures(rng: random.Random, place: Place) -> dict[str, Figure]:
    """The indicator figures one report states, consistent with each other (办结 ≤ 收案 …)."""
    scale = 4 if place.level == "prefecture" else 1
    out: dict[str, Figure] = {}
    for key, (p, lo, hi) in COUNTS.items():
        if rng.random() < p:
            k = 1 if key in NOT_SCALED else scale
            units = UNITS.get(key) or UNITS["reconsideration"]
            out[key] = write_count(rng, rng.randint(lo * k, hi * k), rng.choice(units), key in PREFIXABLE)
    if (received := out.get("reconsideration_received")) is not None:
        unit = received.text[-1]
        closed = max(1, int(received.value * rng.uniform(0.75, 1.0)))
        out["reconsideration_closed"] = closed = write_count(rng, closed, unit)
        if rng.random() < 0.8:
            corrected = int(closed.value * rng.uniform(0, 0.15))
            out["reconsideration_corrected"] = Figure(f"{corrected}{unit}", corrected, "exact")
            if rng.random() < 0.3 and closed.value:
                out["reconsideration_correction_rate"] = write_rate(
                    rng, round(corrected / closed.value * 100, 2)
                )
    for key, (p, lo, hi, decimals) in RATES.items():
        if rng.random() < p:
            value = round(rng.uniform(lo, hi), decimals)
            if key == "litigation_loss_rate" and rng.random() < 0.3:
                value = 0
            if key == "court_appearance_rate" and rng.random() < 0.5:
                value = 100
            out[key] = write_rate(rng, int(value) if value == int(value) else value)
    return out


def write_sentences(rng: random.Random, group: str, figures: dict[str, Figure], year: int) -> list[str]:
    """Sentences that state every figure of one group, each key once, from random families."""
    todo = figures.keys() & {k for t in TEMPLATES[group] for k in SLOT.findall(t)}
    extras = {
        "year": str(year),
        "change": f"{rng.uniform(1, 40):.1f}%",
        "minor": str(rng.randint(2, 30)),
        "pre_rate": f"{rng.uniform(20, 60):.1f}%",
    }
    out = []
    while todo:
        fits = [t for t in TEMPLATES[group] if (keys := KEYS & set(SLOT.findall(t))) and keys <= todo]
        template = rng.choice(fits)
        values = dict(extras)
        for key in SLOT.findall(template):
            if key in figures:
                values[key] = figures[key].text
                todo.discard(key)
            elif key == "applications":
                received = figures["reconsideration_received"]
                values[key] = f"{int(received.value * rng.uniform(1.05, 1.3)) + 1}件"
        out.append(template.format(**values))
    return out


@dataclass(frozen=True)
class Report:
    name: str  # file name
    text: str
    fmt: str  # txt | html
    encoding: str  # utf-8 | gbk
    manifest: dict


def write_report(
    i: int, place: Place, year: int, seed: int, filler: list[str], ambiguous: set[str]
) -> Report:
    """One synthetic report and its manifest entry; the same (i, place, year, seed) gives the same bytes."""
    rng = random.Random(f"{seed}:{i}:{place.code}:{year}")
    figures = draw_figures(rng, place)
    # A name shared by several places (朝阳区, 城区) is written after its city, as real reports do.
    name = place.name
    full = f"{place.city}{name}" if name in ambiguous and place.city and place.city != name else name
    short = name[-2:] if name.endswith("地区") else name[-1]
    title = rng.choice(TITLES).format(name=full, year=year)
    body = [title, rng.choice(OPENINGS).format(year=year, name=full, short=short)]
    deck = rng.sample(filler, len(filler))  # each filler sentence at most once per report

    def prose(k: int) -> list[str]:
        return [(deck.pop() if deck else rng.choice(filler)) + "。" for _ in range(k)]

    body.append(f"一、{year}年度法治政府建设主要举措和成效")
    for k, (heading, groups) in enumerate(SECTIONS):
        lines = [s for g in groups for s in write_sentences(rng, g, figures, year)]
        lines += prose(rng.randint(7, 13))
        if rng.random() < 0.5:
            lines.append(rng.choice(DISTRACTORS).format(**distractor_values(rng, year)))
        rng.shuffle(lines)
        body.append(f"({NUMERALS[k + 1]}){heading}")
        body.append("".join(lines))
    body.append(f"二、{SHORTFALLS}")
    body.append("".join(prose(rng.randint(2, 4))))
    body.append(f"三、{year + 1}年工作安排")
    plan = prose(rng.randint(2, 4)) + [rng.choice(PLAN).format(**distractor_values(rng, year))]
    body.append("".join(plan))
    body.append(f"{full}人民政府\n{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日")
    script = "traditional" if rng.random() < SHARE_TRADITIONAL else "simplified"
    text = "\n".join(body) + "\n"
    if rng.random() < SHARE_FULL_WIDTH:
        text = full_width(text, percent=rng.random() < 0.2)
    if script == "traditional":
        text = to_traditional(text)
    fmt = "html" if rng.random() < SHARE_HTML else "txt"
    encoding = "gbk" if rng.random() < SHARE_GBK else "utf-8"  # GBK holds traditional characters too
    if fmt == "html":
        text = wrap_html(text, full, encoding)
    else:
        text = f"{MARKER}\n{text}"
    file = f"reports/{place.code[:2]}/{i:05d}_{place.code[:6]}_{year}.{fmt}"
    indicators = {k: {"value": f.value, "qualifier": f.qualifier} for k, f in sorted(figures.items())}
    add_derived(indicators)
    meta = {
        "jurisdiction": name,
        "province": place.province,
        "city": place.city,
        "county": place.county,
        "level": place.level,
        "year": year,
        "script": script,
    }
    return Report(file, text, fmt, encoding, {"file": file, "meta": meta, "indicators": indicators})


def distractor_values(rng: random.Random, year: int) -> dict[str, str]:
    return {
        "py": str(year - rng.randint(1, 3)),
        "m": str(rng.randint(40, 900)),
        "s": str(rng.randint(2, 9)),
        "pct": f"{rng.uniform(1, 40):.1f}%",
    }


def add_derived(indicators: dict[str, dict]) -> None:
    """纠错率 = 纠错 ÷ 办结 × 100 when both counts are written and no rate is (the extractor derives it)."""
    corrected, closed = indicators.get("reconsideration_corrected"), indicators.get("reconsideration_closed")
    if "reconsideration_correction_rate" in indicators or not corrected or not closed:
        return
    if closed["value"] > 0 and corrected["value"] <= closed["value"]:
        exact = corrected["qualifier"] == closed["qualifier"] == "exact"
        indicators["reconsideration_correction_rate"] = {
            "value": round(corrected["value"] / closed["value"] * 100, 2),
            "qualifier": "exact" if exact else "approx",
            "derived": True,
        }


def full_width(text: str, percent: bool) -> str:
    """，：；（）！？ as typed in Chinese (a thousands separator 1,024 stays), and ％ if asked."""
    text = re.sub(r"(?<!\d),|,(?!\d{3})", "，", text).translate(PUNCT)
    return text.replace("%", "％") if percent else text


PUNCT = str.maketrans(":;()!?", "：；（）！？")


@cache
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    return _s2t().convert(text)


def wrap_html(text: str, name: str, encoding: str) -> str:
    """A saved government web page: marker comment, breadcrumb, the article, a footer."""
    lines = text.strip().split("\n")
    paras = "\n".join(f"<p>{line}</p>" for line in lines[1:])
    return (
        f'<!-- {MARKER} -->\n<!DOCTYPE html>\n<html><head><meta charset="{encoding}">'
        f"<title>{lines[0]}_{name}人民政府</title></head>\n<body>\n"
        f'<div class="nav"><a href="/">首页</a> | <a href="/zwgk">政务公开</a></div>\n'
        f'<div class="crumb">当前位置: 首页 &gt; 政务公开 &gt; 法治政府建设</div>\n'
        f'<div class="article"><h1>{lines[0]}</h1>\n<p>{MARKER}</p>\n{paras}\n</div>\n'
        f'<div class="footer">版权所有: {name}人民政府 主办单位: {name}人民政府办公室 网站标识码: 0000000000</div>\n'
        "</body></html>\n"
    )


def load_filler() -> list[str]:
    """Sentences without figures, anchors, headings or place names: the sample reports' own prose."""
    from pipeline.parse.indicators import load_indicators
    from pipeline.parse.metadata import match_at
    from pipeline.parse.normalise import normalise_text

    anchors = {a for ind in load_indicators() for a in ind.anchors} | {"%", "万", "亿"}
    table = load_places()
    # Bare stems too (法治海盐, 太仓经验): the filler must not name the sample reports' places.
    stems = {n[:-1] for n in table.names if len(n) >= 3 and n[-1] in "县市区旗"} | set(table.stems.values())
    out = list(OWN_FILLER)
    for path in sorted((ROOT / "data" / "reports").glob("*.txt")):
        text = normalise_text(path.read_text(encoding="utf-8", errors="replace"))[0]
        for s in re.split(r"[。\n]", text):
            s = s.strip(" ,;:")
            if not 15 <= len(s) <= 120 or re.search(r"\d", s) or HEADING.search(s) or PLAN_WORDS.search(s):
                continue
            if any(a in s for a in anchors) or any(match_at(s, p, table) for p in range(len(s))):
                continue
            if any(s[p : p + k] in stems for p in range(len(s)) for k in (2, 3)):
                continue
            out.append(s)
    return sorted(set(out))


def make_corpus(n: int, outdir: Path, seed: int = 7) -> list[dict]:
    """Write N reports under outdir/reports and outdir/manifest.json; return the manifest entries."""
    outdir = Path(outdir)
    filler = load_filler()
    plan = plan_reports(n, seed)
    names = [p.name for p in pick_places(seed)]
    ambiguous = {nm for nm in names if len(load_places().names.get(nm, ())) > 1}
    entries = []
    for i, (place, year) in enumerate(plan):
        rep = write_report(i, place, year, seed, filler, ambiguous)
        path = outdir / rep.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(encode(rep.text, rep.encoding))
        entries.append(rep.manifest)
    about = (
        f"{MARKER} make_corpus.py N={n} seed={seed}: the values written into each synthetic report "
        "(rules: shared/spec/indicators.md)."
    )
    (outdir / "manifest.json").write_text(
        json.dumps({"about": about, "reports": entries}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return entries


def encode(text: str, encoding: str) -> bytes:
    """GBK when asked and every character fits, else GB18030 (a superset; every character fits)."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("gb18030")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of reports (at most 15,000)")
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    if args.n < 1:
        ap.error("N 必须是正整数")
    make_corpus(args.n, args.outdir, args.seed)
    print(f"写入 {args.n} 份合成报告与 manifest.json：{args.outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
