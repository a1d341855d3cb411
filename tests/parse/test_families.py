"""The phrasing families of issue 12, each with sentences of our own (simplified and traditional):
the figure a family must give, and the look-alikes it must not."""

import pytest

from pipeline.parse.extract import extract_indicators
from pipeline.parse.normalise import normalise_text
from pipeline.parse.tables import latest_year_first


def values(text: str, year: int | None = 2024, level: str | None = "county") -> dict:
    norm = latest_year_first(normalise_text(text)[0])
    return {k: v.value for k, v in extract_indicators(norm, year=year, level=level).values.items()}


def check(text, key, want, **kw):
    got = values(text, **kw).get(key)
    assert got == pytest.approx(want) if want is not None else got is None, (text, got)


TOTAL_BEFORE_BREAKDOWN = [
    ("审结的318件行政复议案件中,直接纠错41件,以调解、和解等方式结案62件。", "reconsideration_closed", 318),
    ("審結的96件行政復議案件中,直接糾錯12件,以調解方式結案20件。", "reconsideration_closed", 96),
    ("全年结案(包括案前调解、不予受理及受理后审结)112件。", "reconsideration_closed", None),  # no topic
    ("新收行政复议案件130件,全年结案(包括案前调解、不予受理)112件。", "reconsideration_closed", 112),
    ("复议机构以调解、和解方式结案45件。", "reconsideration_closed", None),
]

SHIFTED = [
    ("复议受理前协商化解案件23件。", "reconsideration_received", None),
    ("行政机关负责人出庭应诉率为98.2%、主要负责人出庭应诉率达61%。", "court_appearance_rate", 98.2),
    ("主要负責人出庭應訴率達61%。", "court_appearance_rate", 61),  # alone: the only rate given
    ("为农民工办理欠薪类法律援助案件215件。", "legal_aid_cases", None),
    ("全年办理法律援助案件2,310件,其中为农民工办理215件。", "legal_aid_cases", 2310),
    # settled before acceptance, then accepted: the 受理 after 受理前 is the received count
    ("收到行政复议申请288件,通过受理前协调化解41件,依法受理230件。", "reconsideration_received", 230),
    ("收到行政復議申請75件,受理前調解撤回9件,依法受理61件。", "reconsideration_received", 61),
    # outcomes of accepted cases are neither the accepted count nor the closed one
    ("新收行政复议案件188件,受理后调解和解结案47件。", "reconsideration_received", 188),
    ("新收行政复议案件188件,受理后调解和解结案47件。", "reconsideration_closed", None),
    ("受理并转交法律援助申请31件。", "legal_aid_cases", None),
    # the change first, then the level
    ("全区一审行政诉讼案件同比下降9%,为412件。", "litigation_cases", 412),
    ("全市行政復議案件較上年增長15.2%,達628件。", "reconsideration_received", 628),
]

# A target, a threshold of a scoring rule, a slogan in quotes, or nobody's figure: not a result.
TARGETS = [
    ("县政府常务会议每年学法不少于6次。", "exec_meeting_law_study", None),
    ("每次抽查案卷不少于80卷。", "case_files_reviewed", None),
    ("行政诉讼败诉率控制在6%以内。", "litigation_loss_rate", None),
    ("纠错率低于12%的得满分。", "reconsideration_correction_rate", None),
    ("行政機關負責人出庭應訴率達到100%的得滿分。", "court_appearance_rate", None),
    ("不少地方把“出庭应诉率100%”列为考核目标。", "court_appearance_rate", None),
    ("部分地区出庭应诉率由不足20%提高到80%以上。", "court_appearance_rate", None),
    # …and the same words around a result keep it
    ("行政机关负责人出庭应诉率达到100%,败诉率4.2%,低于全省平均水平。", "court_appearance_rate", 100),
    ("行政诉讼败诉率4.2%,低于全省平均水平。", "litigation_loss_rate", 4.2),
]

PLAN_DOCUMENTS = [
    "2025年全市法治政府建设工作要点",
    "關於開展2024年度法治政府建設示範創建評估工作的通知",
    "县司法局2024年工作计划",
]

OTHER_BODY = [
    ("全省法院新收行政诉讼案件9,870件,同比上升4.1%。", "litigation_cases", None),
    ("全省法院新收行政诉讼案件9,870件,其中行政一审案件4,233件。", "litigation_cases", 4233),
    ("全市法院受理行政訴訟案件3,120件,其中一審案件2,045件。", "litigation_cases", 2045),
    ("区政府被诉行政案件共计11件,其中因不服复议决定被诉的5件。", "litigation_cases", 11),
    ("提起行政诉讼的新收一审案件有37件,结案40件。", "litigation_cases", 37),
]

STUDY = [
    ("全年召开9次县政府常务会议会前学法。", "county", 9),
    ("縣政府常務會議專題學法11次。", "county", 11),
    ("区政府常务会议集体学习法律法规8次。", "county", 8),
    ("镇党委理论学习中心组专题学法6次。", "township", 6),
    ("全年开展7次镇党委理论学习中心组学法。", "township", 7),
    ("区委理论学习中心组集体学法3次。", "county", None),  # a county's key is the executive meeting
    ("全年在市政府常务会议上集体学习法律法规15次。", "county", 15),
    ("縣政府全年開展專題學法7次,均安排在縣政府常務會議議程中。", "county", 7),
    ("县政府召开第25次常务会议,会前学习了安全生产法。", "county", None),  # an ordinal, not a count
    ("县政府常务会议研究法治政府建设议题4次。", "county", None),
]

LARGE = [
    ("全省各级人民调解组织化解矛盾纠纷38.2万件。", "mediation_disputes", 382000),
    ("全國辦理法律援助案件12.6萬餘件。", "legal_aid_cases", 126000),
    ("公共法律服务中心提供法律咨询44.02万人次。", "legal_consultations", 440200),
    ("全省行政复议机关新收行政复议案件3.1万件。", "reconsideration_received", 31000),
    # nationwide totals: hundreds of thousands, millions, and 余 before 万
    ("全国各级行政复议机关共新收行政复议案件35.6万件。", "reconsideration_received", 356000),
    ("全國法律援助機構辦理法律援助案件152.3萬件。", "legal_aid_cases", 1523000),
    ("全国人民调解组织调解矛盾纠纷1750余万件。", "mediation_disputes", 17500000),
]

ZEROS = [
    ("全年一审行政诉讼案件9件,取得应诉工作零败诉的成绩。", "litigation_loss_rate", 0),
    ("收到法院判决书12份(无行政败诉)。", "litigation_loss_rate", 0),
    ("行政訴訟案件無一敗訴。", "litigation_loss_rate", 0),
    ("已连续五年保持行政诉讼零败诉。", "litigation_loss_rate", None),
    ("积极争创“零败诉”单位。", "litigation_loss_rate", None),
    ("确保行政诉讼零败诉。", "litigation_loss_rate", None),
]

JUNK = [
    ("区法律援助中心上半年办理法律援助案件980件2023-07-20", "legal_aid_cases", None),
    ("我区召开推进会 受理行政复议案件352件 2023-12-18", "reconsideration_received", None),
    ("索引号:11500110/2024-00231 法律援助案件12件", "legal_aid_cases", None),
    ("化解各类矛盾纠纷[2] 4,210件。", "mediation_disputes", 4210),
]


@pytest.mark.parametrize("text,key,want", TOTAL_BEFORE_BREAKDOWN)
def test_a_total_stated_before_its_breakdown(text, key, want):
    check(text, key, want)


@pytest.mark.parametrize("text,key,want", SHIFTED)
def test_words_that_negate_or_shift_a_figure(text, key, want):
    check(text, key, want)


@pytest.mark.parametrize("text,key,want", TARGETS)
def test_targets_thresholds_and_slogans_are_not_results(text, key, want):
    check(text, key, want)


@pytest.mark.parametrize("title", PLAN_DOCUMENTS)
def test_a_document_that_sets_targets_gives_nothing(title):
    assert values(title + "\n一、行政机关负责人出庭应诉率保持100%。\n二、全年受理行政复议案件96件。") == {}


def test_a_summary_with_next_years_plan_still_reports():
    text = "县司法局2024年工作总结和2025年工作计划\n全县受理行政复议案件96件。"
    assert values(text)["reconsideration_received"] == 96


def test_a_statistics_page_heading_carries_its_topic():
    page = (
        "一、行政复议案件情况\n1.新收情况。全省新收行政复议申请5,210件。\n2.受理情况。依法受理4,630件。\n"
        "3.审结情况。审结4,402件,其中直接纠错512件。\n二、行政应诉案件情况\n1.审结情况。审结1,020件。"
    )
    got = values(page)
    assert (got["reconsideration_received"], got["reconsideration_closed"]) == (4630, 4402)
    assert got["reconsideration_corrected"] == 512 and "litigation_cases" not in got


@pytest.mark.parametrize("text,key,want", OTHER_BODY)
def test_another_bodys_figures(text, key, want):
    check(text, key, want)


@pytest.mark.parametrize("text,level,want", STUDY)
def test_study_meetings_in_many_forms(text, level, want):
    check(text, "exec_meeting_law_study", want, level=level)


@pytest.mark.parametrize("text,key,want", LARGE)
def test_large_figures_in_wan_with_decimals(text, key, want):
    check(text, key, want)


@pytest.mark.parametrize("text,key,want", ZEROS)
def test_zeros_said_in_words(text, key, want):
    check(text, key, want)


@pytest.mark.parametrize("text,key,want", JUNK)
def test_junk_that_looks_like_figures(text, key, want):
    check(text, key, want)


@pytest.mark.parametrize(
    "opening",
    [
        "县司法局关于2021-2025年度行政复议工作总结",
        "“十四五”以来,全市法治建设成效明显。",
        "某市公布“十四五”时期法治建设成绩单",
    ],
)
def test_a_document_that_looks_back_over_years_gives_nothing(opening):
    assert values(opening + "\n全县共受理行政复议案件96件,出庭应诉率100%。") == {}


def test_a_plan_named_in_the_opening_is_not_a_span():
    text = "根据《法治政府建设实施纲要(2021-2025年)》,现将2024年工作报告如下。\n全县受理行政复议案件96件。"
    assert values(text)["reconsideration_received"] == 96


TABLES = [
    # measure columns, year rows: the report year's row
    (
        "全县行政复议案件统计\n| 年度 | 收案 | 办结 | 纠错 |\n| 2023年 | 45 | 41 | 4 |\n| 2024年 | 52 | 50 | 6 |",
        2024,
        {"reconsideration_received": 52, "reconsideration_closed": 50, "reconsideration_corrected": 6},
    ),
    # measure columns, unit rows: the total row, never a unit's
    (
        "表一:行政复议案件情况统计表\n| 单位 | 收案 | 办结 | 纠错 |\n| 市场监管局 | 30 | 28 | 3 |\n| 合计 | 42 | 40 | 4 |",
        2024,
        {"reconsideration_received": 42, "reconsideration_closed": 40, "reconsideration_corrected": 4},
    ),
    # year columns: the report year's column (traditional)
    (
        "附表:主要指標\n| 指標 | 2023年 | 2024年 |\n| 行政復議收案數(件) | 98 | 126 |\n| 行政復議辦結數(件) | 90 | 117 |",
        2024,
        {"reconsideration_received": 126, "reconsideration_closed": 117},
    ),
    # no total row: a unit's row is never read
    ("表二:各单位行政复议案件\n| 单位 | 收案 | 办结 |\n| 公安分局 | 12 | 12 |\n| 住建局 | 6 | 5 |", 2024, {}),
    # the report year is not in the table: nothing
    ("全县行政复议案件统计\n| 年度 | 收案 | 办结 |\n| 2022年 | 45 | 41 |\n| 2023年 | 52 | 50 |", 2024, {}),
    # both a received and an accepted column: accepted (the contract), whatever the column order
    (
        "行政复议案件情况\n| 年度 | 收案 | 受理 | 审结 |\n| 2024年 | 130 | 118 | 109 |",
        2024,
        {"reconsideration_received": 118, "reconsideration_closed": 109},
    ),
    # quarter rows and a 全年 row: the year's row, never a quarter's
    (
        "行政复议案件季度统计\n| 季度 | 收案 | 办结 |\n| 一季度 | 40 | 38 |\n| 二季度 | 52 | 47 |\n| 全年 | 92 | 85 |",
        2024,
        {"reconsideration_received": 92, "reconsideration_closed": 85},
    ),
    # no topic: 收案 of what?
    ("统计表\n| 单位 | 收案 | 办结 |\n| 合计 | 42 | 40 |", 2024, {}),
]


@pytest.mark.parametrize("text,year,want", TABLES)
def test_tables_and_statistics_pages(text, year, want):
    assert values(text, year=year) == want
