"""Extraction: tests generated from the indicator table, phrasing families, negatives, offsets."""

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.parse.extract import extract_indicators
from pipeline.parse.indicators import IndicatorTableError, load_indicators
from pipeline.parse.normalise import normalise_text
from tests.support.figures import is_figure_at

S2T = opencc.OpenCC("s2t")
INDICATORS = load_indicators()
CASES = [(ind.key, ex.text, ex.value) for ind in INDICATORS for ex in ind.examples]
CASE_IDS = [f"{k}-{'pos' if v is not None else 'neg'}-{i}" for i, (k, _, v) in enumerate(CASES)]


def extract(text: str, year: int = 2024, level: str | None = None):
    norm, _ = normalise_text(text)
    return norm, extract_indicators(norm, year=year, level=level).values


def test_every_indicator_is_documented_and_exemplified():
    for ind in INDICATORS:
        positives = [e for e in ind.examples if e.value is not None]
        negatives = [e for e in ind.examples if e.value is None]
        assert ind.definition and ind.name, ind.key
        assert len(positives) >= 3, f"{ind.key} needs three phrasings that extract"
        assert negatives, f"{ind.key} needs a phrasing that must not extract"


@pytest.mark.parametrize("key,text,want", CASES, ids=CASE_IDS)
def test_table_examples(key, text, want):
    norm, values = extract(text)
    got = values.get(key)
    if want is None:
        assert got is None, f"{key} should not come from: {text} (got {got})"
    else:
        assert got is not None, f"{key} missing from: {text}"
        assert got.value == pytest.approx(want)
        assert is_figure_at(norm, got.start, got.end), norm[got.start : got.end]
        assert norm[got.start : got.end] in got.evidence and got.evidence in norm


@pytest.mark.parametrize("key,text,want", CASES, ids=[f"traditional-{i}" for i in CASE_IDS])
def test_table_examples_in_traditional_script(key, text, want):
    got = extract(S2T.convert(text))[1].get(key)
    assert (got is None) if want is None else (got is not None and got.value == pytest.approx(want))


# Phrasing families a government writer uses, beyond the table's own examples.
FAMILIES = [
    ("受理", "全年共受理行政复议案件86件。", "reconsideration_received", 86),
    ("新收申请", "2024年新收行政复议申请325件。", "reconsideration_received", 325),
    ("收到案件", "全年收到行政复议案件162件。", "reconsideration_received", 162),
    ("收案", "全区行政复议收案118起。", "reconsideration_received", 118),
    ("受理宗", "依法受理行政复议案件45宗。", "reconsideration_received", 45),
    ("受理胜过收到", "共收到行政复议申请210件,受理186件。", "reconsideration_received", 186),
    ("余", "受理行政复议申请1000余件。", "reconsideration_received", 1000),
    ("全角数字", "受理行政复议案件８６件。", "reconsideration_received", 86),
    ("审结", "审结行政复议案件69件。", "reconsideration_closed", 69),
    ("结案", "行政复议案件结案102件。", "reconsideration_closed", 102),
    ("一审收案", "全市一审行政诉讼收案312件。", "litigation_cases", 312),
    ("败诉率为0", "行政机关败诉率为0。", "litigation_loss_rate", 0),
    ("出庭百分之百", "行政机关负责人出庭应诉率达到百分之百。", "court_appearance_rate", 100),
    ("调处", "全年调处各类矛盾纠纷3,356起。", "mediation_disputes", 3356),
    ("万件", "全县调解矛盾纠纷1.2万件。", "mediation_disputes", 12000),
    ("评查卷", "全年评查行政执法案卷320卷。", "case_files_reviewed", 320),
]


@pytest.mark.parametrize("name,text,key,want", FAMILIES, ids=[f[0] for f in FAMILIES])
def test_phrasing_families(name, text, key, want):
    got = extract(text)[1].get(key)
    assert got is not None and got.value == pytest.approx(want)


NEGATIVES = [
    ("变化率", "行政复议案件同比下降37.5%。"),
    ("另一年", "2023年共受理行政复议案件80件。"),
    ("上半年", "上半年受理行政复议案件40件。"),
    ("目标", "力争行政机关负责人出庭应诉率达到100%。"),
    ("百分点", "败诉率同比下降2.5个百分点。"),
    ("下一年计划", "一、工作成效\n全年开展工作。\n三、2025年工作安排\n受理行政复议案件100件的目标。"),
    ("部分领域", "参与商会矛盾纠纷调解24件。"),
    ("无数字", "充分发挥行政复议化解行政争议主渠道作用。"),
]


@pytest.mark.parametrize("name,text", NEGATIVES, ids=[n[0] for n in NEGATIVES])
def test_what_must_not_extract(name, text):
    assert extract(text)[1] == {}


def test_a_heading_of_what_was_done_is_not_the_plan():
    text = "一、主要工作举措和成效\n全年受理行政复议案件86件。\n二、2025年工作安排\n受理行政复议案件100件。"
    assert extract(text)[1]["reconsideration_received"].value == 86


def test_an_appendix_after_the_plan_is_read_again():
    text = (
        "三、2022年工作打算\n力争调解矛盾纠纷1000件以上。\n附:2021年度主要工作数据\n"
        "全年调解纠纷612件,调解成功率96.4%。"
    )
    values = extract(text, year=2021)[1]
    assert values["mediation_disputes"].value == 612 and values["mediation_success_rate"].value == 96.4


def test_round_numbers_after_jin_and_shang():
    values = extract("提供法律咨询近百次。")[1]
    assert (values["legal_consultations"].value, values["legal_consultations"].qualifier) == (100, "under")
    values = extract("办理法律援助案件上千件。")[1]
    assert (values["legal_aid_cases"].value, values["legal_aid_cases"].qualifier) == (1000, "over")
    assert "legal_aid_cases" not in extract("开展法律援助百件实事活动。")[1]


def test_a_townships_own_government_as_defendant_is_its_total():
    text = "全年以街道办事处为被告的行政诉讼案件2件,均已审结。"
    assert extract(text, level="township")[1]["litigation_cases"].value == 2
    assert "litigation_cases" not in extract(text, level="county")[1]


def test_respondent_cases_count_for_a_department_not_a_county():
    text = "全年本局被申请行政复议案件5件,复议机关已审结5件。"
    assert extract(text, level="department")[1]["reconsideration_received"].value == 5
    assert "reconsideration_received" not in extract(text, level="county")[1]


def test_a_sentence_opening_with_another_year_is_that_year():
    text = "全年审结行政复议案件66件。2023年,县行政复议机构审结案件52件。"
    assert extract(text, year=2024)[1]["reconsideration_closed"].value == 66
    assert extract("2023年,全县审结行政复议案件52件。", year=2024)[1] == {}


def test_spaces_around_a_figure_from_page_runs_are_dropped():
    assert extract("全年新收行政复议案件 58 件,办结 55 件。")[1]["reconsideration_closed"].value == 55
    assert normalise_text("2024 2025年")[0] == "2024 2025年"  # two numbers stay two


@pytest.mark.parametrize(
    ("text", "jurisdiction", "level", "want"),
    [
        ("西陵街道“和事佬”调解室全年调处矛盾纠纷384件。", "西陵区", "county", None),
        ("西陵街道“和事佬”调解室全年调处矛盾纠纷384件。", "西陵街道", "township", 384),
        ("汇川区全年调处矛盾纠纷9216件。", "遵义市", "prefecture", None),
        ("长阳县全年调解矛盾纠纷500件。", "长阳土家族自治县", "county", 500),
        (
            "健全区、街道、社区三级调解网络,全区各级人民调解组织共调解矛盾纠纷1.36万件。",
            "江汉区",
            "county",
            13600,
        ),
    ],
    ids=["街道-in-区", "街道-own", "区-in-市", "自治县-short", "not-a-place"],
)
def test_a_named_place_is_a_part_unless_it_is_the_jurisdiction(text, jurisdiction, level, want):
    got = extract_indicators(normalise_text(text)[0], 2024, level, jurisdiction).values.get(
        "mediation_disputes"
    )
    assert (got.value if got else None) == want


def test_the_topic_carries_into_the_next_sentence_only():
    text = "全年区政府受理行政复议案件47件。审结45件,纠错率0%。"
    values = extract(text)[1]
    assert (
        values["reconsideration_closed"].value == 45 and values["reconsideration_correction_rate"].value == 0
    )
    assert "reconsideration_closed" not in extract("全年区政府受理行政复议案件47件。\n\n审结45件。")[1]


def test_variant_fuyi_is_reconsideration():
    assert extract("全年新收行政覆議案件213件。")[1]["reconsideration_received"].value == 213


def test_qualifiers_are_kept():
    values = extract("全市各类调解组织调解矛盾纠纷2万余件。共受理行政复议案件约86件。")[1]
    assert values["mediation_disputes"].qualifier == "over"
    assert values["reconsideration_received"].qualifier == "approx"


def test_mediation_takes_the_largest_total():
    text = "对法院下派的案件进行诉前调解,已化解56件,成功化解各类矛盾纠纷708起。共提供法律咨询670余次,化解矛盾120余件。"
    assert extract(text)[1]["mediation_disputes"].value == 708


def test_township_rule_only_for_townships():
    text = "制定班子学法课程清单,组织召开专题法治学习会6次。"
    assert extract(text, level="township")[1]["exec_meeting_law_study"].value == 6
    assert "exec_meeting_law_study" not in extract(text, level="county")[1]


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("受理行政复议案件办结纠错率调解矛盾纠纷败诉出庭应诉0123456789.,。%余万件起次年同比下降至")
        ),
        max_size=200,
    )
)
def test_never_raises_and_offsets_hold(text):
    norm, _ = normalise_text(text)
    for v in extract_indicators(norm, year=2024).values.values():
        assert is_figure_at(norm, v.start, v.end)
        assert 0 <= v.start < v.end <= len(norm)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_any_unicode(text):
    norm, script = normalise_text(text)
    assert script in ("simplified", "traditional")
    for v in extract_indicators(norm).values.values():
        assert is_figure_at(norm, v.start, v.end)


def test_a_malformed_table_stops_with_the_row_named(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[group]]\nkey="g"\nname="组"\n[[indicator]]\nkey="x"\nname="甲"\ngroup="g"\nkind="count"\n'
        'direction="up"\ndefinition="d"\nrange=[0,1]\nanchors=["甲"]\npatterns=["{N}"]\n',
        encoding="utf-8",
    )
    with pytest.raises(IndicatorTableError, match="indicator 'x'.*direction"):
        load_indicators(bad)


def test_a_pattern_without_a_figure_is_refused(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[group]]\nkey="g"\nname="组"\n[[indicator]]\nkey="y"\nname="乙"\ngroup="g"\nkind="count"\n'
        'direction="higher"\ndefinition="d"\nrange=[0,1]\nanchors=["乙"]\npatterns=["受理"]\n',
        encoding="utf-8",
    )
    with pytest.raises(IndicatorTableError, match="indicator 'y'.*bad pattern"):
        load_indicators(bad)


@pytest.mark.parametrize(
    "text",
    [
        "前文。各乡镇(街道)共审查合同120份,其中规范性文件3件。",
        "各镇(街道)累计审查重大行政决策、各类合同(协议)等涉法事务158件,重大行政决策12件。",
    ],
    ids=["townships-subject", "towns-with-list"],
)
def test_a_sub_part_by_townships_is_not_the_county_total(text):
    assert extract(text, level="county")[1] == {}
    assert extract(text, level="township")[1]  # in a township's own report it is its figure


def test_a_township_word_elsewhere_in_the_sentence_does_not_veto():
    text = "强化社会治理中心与乡镇(街道)双向协办机制,各级调解组织调处矛盾纠纷4668件。"
    assert extract(text, level="county")[1]["mediation_disputes"].value == 4668


def test_derived_correction_rate():
    from pipeline.parse.derive import derive_indicators

    values = derive_indicators(extract("共受理行政复议案件86件,审结69件,纠错4件。")[1])
    rate = values["reconsideration_correction_rate"]
    assert rate.derived and rate.value == 5.8 and rate.start is None and "÷" in rate.evidence


def test_a_stated_rate_beats_the_derived_one():
    from pipeline.parse.derive import derive_indicators

    values = derive_indicators(extract("审结行政复议案件69件,纠错4件,行政复议纠错率5.5%。")[1])
    assert values["reconsideration_correction_rate"].value == 5.5
    assert not values["reconsideration_correction_rate"].derived
