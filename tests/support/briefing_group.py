"""A small made-up peer group for the briefing tests: five counties of 南阳市 over two years and the
city's own report. TEST DATA ONLY — every file says so in its first line; the figures are invented
and the sentences are written here (not copied from any real report)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MARK = "【测试数据：仅供测试，非真实报告】"

# place → year → sentences (each a family the extractor reads); None: no report that year.
FIGURES: dict[str, dict[int, list[str]]] = {
    "唐河县": {
        2024: [
            "全年共受理行政复议案件120件，审结110件，纠错6件。",
            "全年新收一审行政诉讼案件45件。行政诉讼败诉率为4.5%。",
            "积极履行应诉职责，行政机关负责人出庭应诉率达98.5%。",
            "全年审查行政规范性文件18件。",
        ],
        2023: ["全年共受理行政复议案件100件，审结95件，纠错5件。", "行政诉讼败诉率为6.2%。"],
    },
    "方城县": {
        2024: [
            "全年共受理行政复议案件200余件。",
            "全年新收一审行政诉讼案件38件。行政诉讼败诉率为2.1%。",
            "行政机关负责人出庭应诉率达100%。",
        ],
        2023: ["全年共受理行政复议案件180件。", "行政诉讼败诉率为2.1%。"],
    },
    "西峡县": {
        2024: [
            "全年共受理行政复议案件64件，审结60件，纠错2件。",
            "行政机关负责人出庭应诉率达96%。",
            "全年审查行政规范性文件9件。",
        ],
    },
    "镇平县": {
        2024: ["全年新收一审行政诉讼案件52件。行政诉讼败诉率为7.8%。", "全年审查行政规范性文件25件。"],
    },
    "内乡县": {2023: ["全年共受理行政复议案件70件。"]},
    "南阳市": {2024: ["行政诉讼败诉率为5.3%，行政机关负责人出庭应诉率达97.1%。"]},
}
FILES = {
    "唐河县": "tanghe",
    "方城县": "fangcheng",
    "西峡县": "xixia",
    "镇平县": "zhenping",
    "内乡县": "neixiang",
    "南阳市": "nanyang",
}
CORRECTION = ("xixia_2024.txt", "reconsideration_received", "66", "报告附表所列为66件，正文笔误")


def report_text(place: str, year: int, sentences: list[str]) -> str:
    to = "河南省人民政府" if place == "南阳市" else "南阳市人民政府"
    return "\n".join(
        [
            MARK,
            f"{place}人民政府关于{year}年度法治政府建设工作情况的报告",
            "",
            f"{to}：",
            f"{year}年，{place}扎实推进法治政府建设，现将有关情况报告如下。",
            *sentences,
            "",
            f"{place}人民政府",
            f"{year + 1}年1月15日",
        ]
    )


@dataclass(frozen=True)
class BriefingDb:
    reports: Path
    db: Path
    corrections: Path


def build_briefing_db(root: Path) -> BriefingDb:
    """Write the reports and one correction, and build the database with the real build."""
    from pipeline.build.corrections import add_correction
    from pipeline.build.database import build_database

    reports = root / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    for place, years in FIGURES.items():
        for year, sentences in years.items():
            (reports / f"{FILES[place]}_{year}.txt").write_text(
                report_text(place, year, sentences), encoding="utf-8"
            )
    corrections = root / "corrections.csv"
    report, field, value, reason = CORRECTION
    add_correction(corrections, report, field, value, reason)
    db = root / "fazhi.duckdb"
    build_database([reports], db, corrections=corrections)
    return BriefingDb(reports=reports, db=db, corrections=corrections)
