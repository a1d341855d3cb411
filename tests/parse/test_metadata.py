"""find_metadata: the five sample reports against the gold, one short text per family of real
report openings, and a property test that no text makes it raise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.parse.metadata import find_metadata, load_places
from pipeline.parse.normalise import normalise_text
from pipeline.parse.records import Metadata
from tests.support.paths import REPORTS, shared  # noqa: E402

GOLD = json.loads(shared("gold", "seeds.json").read_text(encoding="utf-8"))["reports"]
FIELDS = ("jurisdiction", "province", "city", "county", "level", "year")


def fields(meta: Metadata) -> tuple:
    return tuple(getattr(meta, f) for f in FIELDS)


@pytest.mark.parametrize("report", GOLD, ids=[Path(r["file"]).stem for r in GOLD])
def test_sample_reports_match_gold(report: dict) -> None:
    text, script = normalise_text((shared() / report["file"]).read_text(encoding="utf-8"))
    assert script == report["meta"]["script"]
    assert fields(find_metadata(text)) == tuple(report["meta"][f] for f in FIELDS)


def test_title_line_is_kept_and_portal_lines_skipped() -> None:
    text = (REPORTS / "longquan_2023.txt").read_text(encoding="utf-8")
    assert find_metadata(text).title == "龙泉市2023年法治政府建设年度报告"  # not the breadcrumb line


BODY = "\n2024年,全面推进依法行政,各项工作取得新成效。\n一、主要举措\n(一)加强组织领导。"

CASES = {
    "province": (
        "浙江省人民政府关于2024年法治政府建设情况的报告" + BODY,
        ("浙江省", "浙江省", None, None, "province", 2024),
    ),
    "municipality_itself": (
        "天津市人民政府关于2023年度法治政府建设情况的报告\n2023年,全市坚持依法行政。",
        ("天津市", "天津市", None, None, "province", 2023),
    ),
    "prefecture": (
        "杭州市2024年法治政府建设年度报告" + BODY,
        ("杭州市", "浙江省", "杭州市", None, "prefecture", 2024),
    ),
    "autonomous_prefecture": (
        "恩施土家族苗族自治州2024年法治政府建设年度报告" + BODY,
        ("恩施土家族苗族自治州", "湖北省", "恩施土家族苗族自治州", None, "prefecture", 2024),
    ),
    "autonomous_prefecture_short": (
        "恩施州人民政府关于2024年度法治政府建设工作情况的报告" + BODY,
        ("恩施州", "湖北省", "恩施土家族苗族自治州", None, "prefecture", 2024),
    ),
    "municipality_district": (
        "天津市河西区2023年法治政府建设年度报告\n2023年,河西区坚持依法行政。",
        ("河西区", "天津市", "天津市", "河西区", "county", 2023),
    ),
    "county_level_city": (
        "慈溪市人民政府关于2024年度法治政府建设工作情况的报告" + BODY,
        ("慈溪市", "浙江省", "宁波市", "慈溪市", "county", 2024),
    ),
    "banner": (
        "达拉特旗2024年法治政府建设年度报告" + BODY,
        ("达拉特旗", "内蒙古自治区", "鄂尔多斯市", "达拉特旗", "county", 2024),
    ),
    "autonomous_county": (
        "景宁畲族自治县2024年法治政府建设年度报告" + BODY,
        ("景宁畲族自治县", "浙江省", "丽水市", "景宁畲族自治县", "county", 2024),
    ),
    "province_direct_county": (
        "济源市2024年法治政府建设年度报告" + BODY,
        ("济源市", "河南省", None, "济源市", "county", 2024),
    ),
    "renamed_county": (
        "梁平区人民政府关于2024年法治政府建设情况的报告" + BODY,
        ("梁平区", "重庆市", "重庆市", "梁平区", "county", 2024),
    ),
    "subdistrict": (
        "杭州市西湖区西湖街道2024年法治政府建设工作报告" + BODY,
        ("西湖街道", "浙江省", "杭州市", "西湖区", "township", 2024),
    ),
    "township_xiang": (
        "遂昌县湖山乡人民政府关于2024年度法治政府建设情况的报告" + BODY,
        ("湖山乡", "浙江省", "丽水市", "遂昌县", "township", 2024),
    ),
    "township_county_named_elsewhere": (
        "2024年,桥头镇坚持依法行政。\n修订《慈溪市桥头镇人民政府工作规则》。",
        ("桥头镇", "浙江省", "宁波市", "慈溪市", "township", 2024),
    ),
    "township_no_county": (
        "2024年,桥头镇坚持依法行政,取得良好成效。",
        ("桥头镇", None, None, None, "township", 2024),
    ),
    "department": (
        "嘉兴市司法局2024年度法治政府建设工作报告" + BODY,
        ("嘉兴市", "浙江省", "嘉兴市", None, "department", 2024),
    ),
    "department_of_county": (
        "海盐县市场监督管理局2024年法治政府建设年度报告" + BODY,
        ("海盐县", "浙江省", "嘉兴市", "海盐县", "department", 2024),
    ),
    "renamed_prefecture": (
        "那曲市人民政府2024年法治政府建设年度报告" + BODY,
        ("那曲市", "西藏自治区", "那曲市", None, "prefecture", 2024),
    ),
    "department_in_signature": (
        "2024年,局党组坚持依法行政。\n嘉兴市司法局\n2025年1月20日",
        ("嘉兴市", "浙江省", "嘉兴市", None, "department", 2024),
    ),
    "opening_word_ending_in_ju_is_not_a_department": (
        "2024年,海盐县紧扣发展大局,在县委领导下坚持依法行政。",
        ("海盐县", "浙江省", "嘉兴市", "海盐县", "county", 2024),
    ),
    "ambiguous_district": (
        "鼓楼区人民政府2024年法治政府建设年度报告" + BODY,
        ("鼓楼区", None, None, None, "county", 2024),
    ),
    "ambiguous_district_province_only": (
        "鼓楼区人民政府2024年法治政府建设年度报告\n2024年,鼓楼区服务江苏发展大局。",
        ("鼓楼区", None, None, None, "county", 2024),
    ),
    "ambiguous_district_city_in_title": (
        "南京市鼓楼区2024年法治政府建设年度报告" + BODY,
        ("鼓楼区", "江苏省", "南京市", "鼓楼区", "county", 2024),
    ),
    "ambiguous_district_city_in_text": (
        "鼓楼区人民政府2024年法治政府建设年度报告\n2024年,鼓楼区助力福州高质量发展。",
        ("鼓楼区", "福建省", "福州市", "鼓楼区", "county", 2024),
    ),
    "place_only_in_signature": (
        "2024年,县政府坚持依法行政,全面完成各项任务。\n特此报告。\n海盐县人民政府\n2025年3月19日",
        ("海盐县", "浙江省", "嘉兴市", "海盐县", "county", 2024),
    ),
    "publishing_date_not_year": (
        "发布时间:2025-01-10 09:00:00\n海盐县2024年法治政府建设年度报告\n全年办结案件。",
        ("海盐县", "浙江省", "嘉兴市", "海盐县", "county", 2024),
    ),
    "party_and_government": (
        "中共社旗县委 社旗县人民政府关于2024年度法治政府建设情况的报告" + BODY,
        ("社旗县", "河南省", "南阳市", "社旗县", "county", 2024),
    ),
    "signature_year_only": (
        "县政府坚持依法行政,全面完成各项任务。\n太仓市人民政府\n2025年 月 日",
        ("太仓市", "江苏省", "苏州市", "太仓市", "county", 2024),
    ),
    "most_frequent_year": (
        "全县坚持依法行政。2023年完成立法计划,2023年办结复议案件,2022年度述法。",
        (None, None, None, None, None, 2023),
    ),
    "named_governments_counted": (
        "县政府坚持依法行政。海盐县人民政府常务会议学法12次,海盐县人民政府办公室牵头,嘉兴市人民政府部署。",
        ("海盐县", "浙江省", "嘉兴市", "海盐县", "county", None),
    ),
    "rural_words_are_not_townships": (
        "2024年,全县深入实施乡村振兴,推进新型城镇化。",
        (None, None, None, None, None, 2024),
    ),
    "no_place": ("坚持依法行政,各项工作取得新成效。", (None, None, None, None, None, None)),
    "empty": ("", (None, None, None, None, None, None)),
}


@pytest.mark.parametrize(("text", "expected"), CASES.values(), ids=CASES.keys())
def test_report_families(text: str, expected: tuple) -> None:
    assert fields(find_metadata(text)) == expected


# normalise.py runs OpenCC t2s over every text: it rewrites 乾 as 干 even in simplified text, and a
# portal's machine-converted traditional page keeps the variants 濬 (浚) and 澂 (澄). The rewritten
# name still finds the place, under the table's own name.
CONVERTED = {
    "simplified_qian_county": (
        "乾县2024年法治政府建设年度报告" + BODY,
        ("乾县", "陕西省", "咸阳市", "乾县", "county", 2024),
    ),
    "simplified_qian_county_government": (
        "乾安县人民政府关于2024年度法治政府建设工作情况的报告" + BODY,
        ("乾安县", "吉林省", "松原市", "乾安县", "county", 2024),
    ),
    "traditional_variant_jun": (
        "濬縣人民政府關於2023年度法治政府建設情況的報告\n2023年,濬縣堅持依法行政。",
        ("浚县", "河南省", "鹤壁市", "浚县", "county", 2023),
    ),
    "traditional_variant_cheng": (
        "澂江縣2023年法治政府建設年度報告\n2023年,澂江縣堅持依法行政。",
        ("澄江县", "云南省", "玉溪市", "澄江县", "county", 2023),
    ),
    "converted_name_in_department": (
        "乾县司法局2024年度法治政府建设工作报告" + BODY,
        ("乾县", "陕西省", "咸阳市", "乾县", "department", 2024),
    ),
    "converted_name_in_signature": (
        "2024年,县政府坚持依法行政,全面完成各项任务。\n特此报告。\n乾安县人民政府\n2025年3月19日",
        ("乾安县", "吉林省", "松原市", "乾安县", "county", 2024),
    ),
    "converted_name_most_named": (
        "县政府坚持依法行政。乾县人民政府常务会议学法12次,乾县人民政府办公室牵头。",
        ("乾县", "陕西省", "咸阳市", "乾县", "county", None),
    ),
}


@pytest.mark.parametrize(("raw", "expected"), CONVERTED.values(), ids=CONVERTED.keys())
def test_names_rewritten_by_normalising_still_resolve(raw: str, expected: tuple) -> None:
    text, _ = normalise_text(raw)
    assert expected[3] not in text  # the premise: normalising rewrote the county's name
    assert fields(find_metadata(text)) == expected


def test_respelled_forms_are_no_names_of_their_own() -> None:
    table = load_places()
    assert table.respelled["干县"] == "乾县" and table.respelled["濬县"] == "浚县"
    assert not table.respelled.keys() & {p.name for ps in table.names.values() for p in ps}


def test_html_title_used_when_text_has_no_title_line() -> None:
    meta = find_metadata("全县坚持依法行政。", title="社旗县2024年法治政府建设年度报告_社旗县人民政府")
    assert fields(meta) == ("社旗县", "河南省", "南阳市", "社旗县", "county", 2024)
    assert meta.title == "社旗县2024年法治政府建设年度报告_社旗县人民政府"


def test_title_line_wins_over_html_title() -> None:
    meta = find_metadata("龙泉市2023年法治政府建设年度报告\n正文。", title="首页_海盐县人民政府")
    assert (meta.jurisdiction, meta.year, meta.title) == ("龙泉市", 2023, "龙泉市2023年法治政府建设年度报告")


def test_empty_text_gives_empty_metadata() -> None:
    assert find_metadata("") == Metadata()


def test_division_table_has_the_known_shapes() -> None:
    table = load_places()
    assert len(table.names["鼓楼区"]) == 4
    assert len(table.names) > 3400
    (hexi,) = table.names["河西区"]
    assert (hexi.province, hexi.city, hexi.county) == ("天津市", "天津市", "河西区")
    assert "市辖区" not in table.names
    assert table.stems["南京市"] == "南京" and table.stems["广西壮族自治区"] == "广西"


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("海盐县市区镇乡街道人民政府关于年度2024,。\n 局委鼓楼南京省天津河西桥头慈溪")
        )
        | st.characters(),
        max_size=400,
    ),
    st.none() | st.text(max_size=60),
)
def test_any_text_never_raises(text: str, title: str | None) -> None:
    meta = find_metadata(text, title=title)
    assert meta.level in (None, "national", "province", "prefecture", "county", "township", "department")
    assert meta.year is None or 1999 <= meta.year <= 2099


def test_a_township_report_addressed_to_its_county_resolves_through_it():
    text = "戴南镇2023年度法治政府建设工作情况报告\n\n兴化市人民政府:\n2023年,戴南镇全面推进依法行政。\n戴南镇人民政府\n2024年1月15日"
    meta = find_metadata(text)
    assert (meta.jurisdiction, meta.level, meta.county, meta.city, meta.province) == (
        "戴南镇",
        "township",
        "兴化市",
        "泰州市",
        "江苏省",
    )
