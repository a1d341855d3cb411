"""Places on real page layouts: the division table (townships, former names), every signal on the
page with the signal kept per field, departments and whole-country figures, the year described —
each family in simplified and traditional script — and the real `extract` on the dev set."""

from __future__ import annotations

import subprocess
import sys
import time

import opencc
import pytest

from pipeline.parse.metadata import find_metadata
from pipeline.parse.normalise import normalise_text
from pipeline.parse.places import load_places
from tests.support.paths import ROOT, shared

BODY = "\n全面推进依法行政,各项工作取得新成效。\n一、主要举措\n(一)加强组织领导。"
FIELDS = ("jurisdiction", "department", "province", "city", "county", "level", "year")

# name → (text, expected fields, the signal expected to decide the jurisdiction)
CASES = {
    "title_province": (
        "江西省人民政府关于2023年度法治政府建设情况的报告" + BODY,
        ("江西省", None, "江西省", None, None, "province", 2023),
        "标题",
    ),
    "bracketed_title_prefix": (
        "【权威发布】甘肃省2021年法治政府建设情况报告" + BODY,
        ("甘肃省", None, "甘肃省", None, None, "province", 2021),
        "标题",
    ),
    "headline_without_title_words": (
        "南昌市西湖区政府2019年度行政执法工作圆满完成\n今年区政府统筹推进执法规范化。",
        ("西湖区", None, "江西省", "南昌市", "西湖区", "county", 2019),
        "标题",
    ),
    "opening_after_clauses": (
        "2022年,在地委、行署的坚强领导下,在上级部门的精心指导下,石阡县坚持依法行政。" + BODY,
        ("石阡县", None, "贵州省", "铜仁市", "石阡县", "county", 2022),
        "开头",
    ),
    "opening_prefecture_stem": (
        "2020年,遵义坚持法治引领,推进依法行政。全市各级行政机关严格执法。",
        ("遵义市", None, "贵州省", "遵义市", None, "prefecture", 2020),
        "开头",
    ),
    "report_as_follows": (
        "根据有关规定,现将2021年衢州市法治政府建设情况报告如下:\n一、主要成效",
        ("衢州市", None, "浙江省", "衢州市", None, "prefecture", 2021),
        "开头",
    ),
    "addressee_and_own_county": (
        "中共黔东南州委、黔东南州人民政府:\n2023年,县委、县政府坚持依法行政,我县印发《台江县法治政府建设"
        "工作要点》和《台江县行政执法公示办法》。",
        ("台江县", None, "贵州省", "黔东南苗族侗族自治州", "台江县", "county", 2023),
        "全文",
    ),
    "header_publisher_township": (
        "索引号: 11330782MB1234567X/2024-00012\n发布机构: 佛堂镇\n2023年,佛堂镇坚持依法行政,推进基层法治建设。",
        ("佛堂镇", None, "浙江省", "金华市", "义乌市", "township", 2023),
        "开头",
    ),
    "index_code_resolves_township": (
        "索 引 号:330282/2024-00031\n发布机构: 桥头镇\n2023年,桥头镇坚持依法行政,推进基层法治建设。",
        ("桥头镇", None, "浙江省", "宁波市", "慈溪市", "township", 2023),
        "开头",
    ),
    "ambiguous_township_stays_null": (
        "2023年,桥头镇坚持依法行政,推进基层法治建设。",
        ("桥头镇", None, None, None, None, "township", 2023),
        "开头",
    ),
    "ambiguous_township_county_in_opening": (
        "2023年,在慈溪市委、市政府的坚强领导下,桥头镇坚持依法行政,推进基层法治建设。",
        ("桥头镇", None, "浙江省", "宁波市", "慈溪市", "township", 2023),
        "开头",
    ),
    "township_under_its_county_in_title": (
        "兰溪市游埠镇2024年法治政府建设工作报告" + BODY,
        ("游埠镇", None, "浙江省", "金华市", "兰溪市", "township", 2024),
        "标题",
    ),
    "renamed_county": (
        "郫县2015年法治政府建设情况报告" + BODY,
        ("郫县", None, "四川省", "成都市", "郫县", "county", 2015),
        "标题",
    ),
    "renamed_prefecture": (
        "莱芜市人民政府关于2017年度法治政府建设情况的报告" + BODY,
        ("莱芜市", None, "山东省", "莱芜市", None, "prefecture", 2017),
        "标题",
    ),
    "department_of_district": (
        "城中区司法局2023年法治政府建设年度报告\n2023年,我局紧紧围绕区委中心工作。",
        None,  # 城中区 is in 柳州 and in 西宁: the place fields stay null
        "标题",
    ),
    "department_with_city": (
        "株洲市市场监督管理局2022年度法治政府建设情况报告" + BODY,
        ("株洲市", "市场监督管理局", "湖南省", "株洲市", None, "department", 2022),
        "标题",
    ),
    "department_without_place": (
        "县司法局2021年度工作总结\n2021年,我局认真履行职能。",
        (None, "司法局", None, None, None, "department", 2021),
        None,
    ),
    "department_speaks_in_news": (
        "记者从省司法厅获悉:2022年,河北全省共办理法律援助案件5.1万件,河北各地持续推进。",
        ("河北省", "司法厅", "河北省", None, None, "department", 2022),
        "开头",
    ),
    "nationwide": (
        "2023年,全国行政复议机关共新收行政复议案件30万件,审结27万件。",
        ("全国", None, None, None, None, "national", 2023),
        "开头",
    ),
    "whole_province_named_once": (
        "2021年,在省委、省政府的坚强领导下,全省各级行政机关深入推进依法行政,服务湖南高质量发展。",
        ("湖南省", None, "湖南省", None, None, "province", 2021),
        "全文",
    ),
    "year_since_is_not_the_year": (
        "2019年以来,南丰县持续推进依法行政。2021年度,南丰县办结复议案件。2021年度考核优秀。",
        ("南丰县", None, "江西省", "抚州市", "南丰县", "county", 2021),
        "开头",
    ),
    "county_before_it_became_a_district": (
        "铜山县2009年依法行政工作报告" + BODY,
        ("铜山县", None, "江苏省", "徐州市", "铜山县", "county", 2009),
        "标题",
    ),
    "county_before_it_became_a_city": (
        "宁乡县人民政府关于2016年度法治政府建设情况的报告" + BODY,
        ("宁乡县", None, "湖南省", "长沙市", "宁乡县", "county", 2016),
        "标题",
    ),
    "city_before_it_became_a_district_stays_unplaced": (  # X市 forms of districts would read 新华市场
        "萧山市2000年依法行政工作报告" + BODY,
        ("萧山市", None, None, None, None, None, 2000),
        "标题",
    ),
    "index_code_and_own_county": (
        "索引号: 113307230026012345/2024-00007\n发布机构: 县府办\n2023年度法治政府建设工作报告\n"
        "2023年,我县坚持依法行政,全县各级行政机关严格执法,全县法治建设迈上新台阶。",
        ("武义县", None, "浙江省", "金华市", "武义县", "county", 2023),
        "索引号",
    ),
    "index_code_and_own_bureau": (
        "索引号: 11340223MB0012345K/2023-00002\n2022年度工作总结\n2022年,我局在县委、县政府的领导下认真履行职能。",
        ("南陵县", None, "安徽省", "芜湖市", "南陵县", "department", 2022),
        "索引号",
    ),
    "township_with_a_city_in_its_name": (
        "番禺区市桥街道2023年法治政府建设工作报告" + BODY,
        ("市桥街道", None, "广东省", "广州市", "番禺区", "township", 2023),
        "标题",
    ),
    "report_quoted_in_news": (
        "浙江发布去年法治政府建设情况\n记者获悉,《浙江省2022年法治政府建设情况报告》日前公布。报告显示,全省行政复议案件稳步增长。",
        ("浙江省", None, "浙江省", None, None, "province", 2022),
        "标题",
    ),
    "meeting_sums_up_the_year_before": (
        "武义县召开2024年法治政府建设工作会议\n2月6日,武义县召开会议,总结2023年工作,部署2024年任务。",
        ("武义县", None, "浙江省", "金华市", "武义县", "county", 2023),
        "标题",
    ),
    "meeting_looks_back_on_the_year_before": (
        "衢州市召开2025年全市法治政府建设推进会\n会议回顾了全市2024年法治政府建设工作,部署2025年重点任务。",
        ("衢州市", None, "浙江省", "衢州市", None, "prefecture", 2024),
        "标题",
    ),
    "news_without_a_year_takes_its_date": (
        "区法院:多元解纷见实效\n2024-06-11 来源:某某日报\n今年以来,区法院诉前化解纠纷560件。",
        (None, None, None, None, None, None, 2024),
        None,
    ),
    "news_in_january_sums_up_another_year": (
        "区法院:多元解纷见实效\n2025-02-03 来源:某某日报\n今年以来,区法院诉前化解纠纷560件。",
        (None, None, None, None, None, None, None),
        None,
    ),
    "year_in_the_history_is_not_the_opening": (
        "中卫是宁夏的地级市之一。2004年撤县设市,辖三个县区。\n全市2020年推进依法行政,2020年考核优秀。",
        (None, None, None, None, None, None, 2020),
        None,
    ),
    "bingtuan_division_and_its_city": (
        "第三师图木舒克市2021年法治政府建设工作报告" + BODY,
        ("图木舒克市", None, "新疆维吾尔自治区", None, "图木舒克市", "county", 2021),
        "标题",
    ),
    "zone_named_after_its_city_has_no_level": (
        "郑州经济技术开发区2023年法治政府建设情况报告" + BODY,
        ("郑州经济技术开发区", None, "河南省", "郑州市", None, None, 2023),
        "标题",
    ),
    "zone_placed_by_the_prefectures_its_opening_names": (
        "赣江新区2022年法治政府建设工作报告\n2022年,在省委、省政府和南昌市委、九江市委的领导下,新区推进依法行政。",
        ("赣江新区", None, "江西省", None, None, None, 2022),
        "标题",
    ),
    "two_years_in_the_title_settle_no_year": (
        "汪清县2022—2023年度法治政府建设情况报告\n2022年以来,汪清县持续推进依法行政。",
        ("汪清县", None, "吉林省", "延边朝鲜族自治州", "汪清县", "county", None),
        "标题",
    ),
    "news_about_several_places_reports": (
        "各盟市陆续公开2023年度法治政府建设年度报告\n来源:内蒙古自治区司法厅\n近日,呼和浩特市、包头市等地公开了年度报告。",
        (None, None, "内蒙古自治区", None, None, None, 2023),
        None,
    ),
    "yearbook_volume": (
        "文成县年鉴(2022卷)·法治政府建设" + BODY,
        ("文成县", None, "浙江省", "温州市", "文成县", "county", 2021),
        "标题",
    ),
}


@pytest.mark.parametrize("script", ["simplified", "traditional"])
@pytest.mark.parametrize(("text", "expected", "signal"), CASES.values(), ids=CASES.keys())
def test_signal_families(text: str, expected: tuple | None, signal: str | None, script: str) -> None:
    raw = opencc.OpenCC("s2t").convert(text) if script == "traditional" else text
    normal, seen = normalise_text(raw)
    assert seen == script
    meta = find_metadata(normal)
    got = tuple(getattr(meta, f) for f in FIELDS)
    if expected is None:  # an ambiguous department: the government and the department, no place
        assert got == ("城中区", "司法局", None, None, None, "department", 2023)
    else:
        assert got == expected
    assert meta.sources.get("jurisdiction") == signal
    assert set(meta.sources) <= {*FIELDS}  # the signal is kept per field


def test_table_holds_townships_and_former_names() -> None:
    table = load_places()
    assert len(table.township("桥头镇")) >= 15  # the same name in many counties
    (pixian,) = table.names["郫县"]
    assert pixian.code == "510117" and table.units["510117"] == "郫都区"
    (laiwu,) = table.names["莱芜市"]
    assert table.units[laiwu.code] == "莱芜区" and laiwu.province == "山东省"
    (xiang,) = table.names["襄樊市"]
    assert xiang.code == table.names["襄阳市"][0].code
    (lishui,) = table.names["溧水县"]  # a county before it became a district (2013): from the table itself
    assert table.units[lishui.code] == "溧水区" and lishui.city == "南京市"
    assert "城县" not in table.names and "新华市" not in table.names  # no one-character stems, no X市
    assert all(table.units[p.code] == "湾沚区" for p in table.names["芜湖县"])  # never a 开发区


def test_table_loads_fast() -> None:
    """Loading the table (read, unzip, index) is the start-up cost: the best of three runs."""
    runs = []
    for _ in range(3):
        load_places.cache_clear()
        start = time.process_time()  # CPU time: other processes on a shared machine do not count
        load_places()
        runs.append(time.process_time() - start)
    assert min(runs) < 0.3, runs


def test_dev_set_metadata_with_the_real_command(tmp_path) -> None:
    """The real `extract` on ../shared/dev/texts, scored by the shared scorer with --min-meta."""
    texts = sorted(shared("dev", "texts").glob("*.txt"))
    scorer = shared("tools", "score_extraction.py")
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", *map(str, texts), "--jsonl"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    out = tmp_path / "dev.jsonl"
    out.write_text(run.stdout, encoding="utf-8")
    score = subprocess.run(
        [sys.executable, str(scorer), str(shared("dev", "gold.json")), str(out), "--min-meta", "0.97"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert score.returncode == 0, score.stdout[-3000:]
    assert time.perf_counter() - start < 60
