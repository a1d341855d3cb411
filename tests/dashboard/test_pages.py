"""Every page through Streamlit's AppTest on a real database built from the sample reports: what
the page shows (values, ranks, 无数据, 未排名), URL-bound selections, and the empty-database page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pipeline.parse.indicators import load_indicators
from tests.support.paths import ROOT  # noqa: E402

PAGES = ["overview", "compare", "rank", "profile", "download", "search", "upload"]


def _open(page: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if page != "overview":
        at.switch_page(f"dashboard/pages/{page}.py")
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def app(sample_db, monkeypatch):  # noqa: F811
    for k, v in sample_db.env().items():
        monkeypatch.setenv(k, v)
    return _open


def _frame(at: AppTest, column: str):
    """The first dataframe on the page that has `column`."""
    found = _frames(at, column)
    assert found, f"no table with column {column!r}"
    return found[0]


def _frames(at: AppTest, column: str):
    """Every table (st.dataframe or st.table) on the page that has `column`."""
    return [df.value for df in [*at.dataframe, *at.table] if column in df.value.columns]


def test_overview_counts_coverage_and_failed_file(app):
    at = app("overview")
    assert [m.value for m in at.metric] == ["6 份", "5 个", "2 个"]
    cov = _frame(at, "行政复议收案数").set_index(["地区", "年度"])
    assert cov.loc[("海盐县", 2024), "行政复议收案数"] == "有"
    assert cov.loc[("龙泉市", 2023), "行政复议收案数"] == "无数据"
    assert cov.loc[("桥头镇", 2024), "法律援助案件数"] == "有"
    failed = _frame(at, "原因")
    assert failed["文件"].str.endswith("broken_scan.pdf").any()
    assert failed["原因"].str.contains("PDF").all() and (failed["状态"] == "失败").all()


def test_overview_year_from_url_filters_the_matrix(app):
    at = app("overview", {"year": "2023"})
    assert at.selectbox(key="year").value == 2023
    assert set(_frame(at, "行政复议收案数")["地区"]) == {"海盐县", "龙泉市"}


def test_compare_defaults_to_county_peers_of_latest_year(app):
    at = app("compare")
    assert at.selectbox(key="year").value == 2024
    assert at.multiselect(key="places_pick").value == []  # none chosen: the county peer group
    assert len(at.query_params["places"]) == 3, "yet the link names the group's places"
    assert at.multiselect(key="ind").value == ["reconsideration_received"]
    table = _frame(at, "依据原文")
    assert table["地区"].to_list() == ["太仓市", "海盐县", "社旗县"]  # sorted high to low
    assert table["数值"].to_list() == ["325件", "162件", "86件"]  # with the unit as written
    assert "排名" not in table.columns  # a neutral count is sorted, not ranked
    assert len(at.get("plotly_chart")) == 1


def test_compare_keeps_qualifiers_and_lists_missing_as_no_data(app):
    at = app("compare", {"ind": ["【行政复议】行政复议纠错率", "【矛盾纠纷化解】调解矛盾纠纷数"]})
    rate, disputes = _frames(at, "依据原文")
    assert dict(zip(rate["地区"], rate["数值"], strict=True)) == {
        "社旗县": "5.8%",
        "海盐县": "0.66%",
        "太仓市": "无数据",
    }
    assert rate.set_index("地区").loc["海盐县", "推算"] == "是"
    assert dict(zip(disputes["地区"], disputes["数值"], strict=True)) == {
        "太仓市": "20,000+件",
        "海盐县": "7,989件",
        "社旗县": "无数据",
    }
    assert rate.set_index("地区").loc["太仓市", "说明"].startswith("报告未给出")  # 无数据, never a zero bar
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    assert '"太仓市"' not in charts[0].proto.spec.split('"annotations"')[0]  # no bar for the missing place


def test_compare_url_selects_year_and_places(app):
    at = app("compare", {"year": "2023", "places": ["浙江省/丽水市/龙泉市"], "ind": "litigation_loss_rate"})
    assert at.multiselect(key="places_pick").value == ["浙江省/丽水市/龙泉市"]
    assert _frame(at, "依据原文")["数值"].to_list()[0] == "5.41%"
    old = app("compare", {"year": "2023", "places": ["龙泉市"], "ind": "【行政诉讼】行政诉讼败诉率"})
    assert old.multiselect(key="places_pick").value == ["浙江省/丽水市/龙泉市"]  # an old label link
    assert old.query_params["places"] in ("浙江省/丽水市/龙泉市", ["浙江省/丽水市/龙泉市"])
    assert old.query_params["ind"] in ("litigation_loss_rate", ["litigation_loss_rate"])


def test_peer_group_link_that_names_nothing_gets_a_notice_and_defaults_go_to_the_url(app):
    at = app("compare", {"province": "不存在省", "year": "1999"})
    notes = [w.value for w in at.warning]
    assert any("没有找到链接中的省份“不存在省”，显示的是省份“全部”" in n for n in notes), notes
    assert any("没有找到链接中的年度“1999”，显示的是年度“2024”" in n for n in notes), notes
    assert at.query_params["province"] in ("全部", ["全部"]) and at.query_params["year"] in ("2024", ["2024"])
    plain = app("rank")
    assert not plain.warning or not any("没有找到" in w.value for w in plain.warning)
    for key, value in {"level": "county", "province": "全部", "city": "全部", "year": "2024"}.items():
        assert plain.query_params[key] in (value, [value]), key  # the defaults are in the link


def test_rank_competition_ranks_direction_and_unranked(app):
    at = app("rank")
    assert at.selectbox(key="level").value == "county" and at.selectbox(key="year").value == 2024
    tables = [df for df in _frames(at, "排名") if "数值" in df.columns]
    correction = [df for df in tables if df["数值"].to_list() == ["0.66%", "5.8%", "无数据"]]
    assert len(correction) == 1  # 行政复议纠错率: lower is better, missing last
    assert correction[0]["地区"].to_list() == ["海盐县", "社旗县", "太仓市"]
    assert correction[0]["排名"].to_list() == ["1/2", "2/2", "未排名"]
    assert not [
        df for df in tables if df["数值"].to_list() == ["12次", "12次", "9次"]
    ]  # other groups not shown
    services = app("rank", {"group": "services"})
    study = [
        df for df in _frames(services, "数值") if df["数值"].to_list() == ["12次", "12次", "9次"]
    ]  # 常务会议学法
    assert len(study) == 1 and study[0]["排名"].to_list() == ["1/3", "1/3", "3/3"]  # competition ranking
    assert study[0]["地区"].to_list() == ["海盐县", "社旗县", "太仓市"]
    composite = _frame(at, "综合得分（标准分）")
    assert set(composite["地区"]) == {"太仓市", "海盐县", "社旗县"}
    assert set(composite["排名"]) == {"对比组过小"}  # three places: no composite
    assert any("z 分数" in m.value for m in at.markdown)  # the method is explained on the page


def test_rank_peer_group_from_url(app):
    at = app("rank", {"level": "县级", "province": "浙江省", "year": "2023"})
    assert at.selectbox(key="province").value == "浙江省"
    composite = _frame(at, "综合得分（标准分）")
    assert set(composite["地区"]) == {"海盐县", "龙泉市"}


def test_profile_values_median_trend_and_highlighted_text(app):
    at = app(
        "profile", {"place": "海盐县", "year": "2024", "province": "全部", "city": "全部"}
    )  # all county peers of 2024
    table = _frame(at, "组中位数").set_index("指标")
    assert table.loc["行政复议收案数", "数值"] == "162"
    assert table.loc["行政复议收案数", "组中位数"] == "162"  # median of 325, 162, 86
    assert "162件" in table.loc["行政复议收案数", "依据原文"]
    assert table.loc["行政复议实质性化解率", "数值"] == "无数据"
    assert table.loc["行政复议实质性化解率", "组中位数"] == "32%"
    assert len(table) == len(load_indicators())  # every indicator, with or without a value
    assert len(at.get("plotly_chart")) == 1  # two years: a trend chart
    years = _frame(at, "2023年").set_index("指标")
    assert (years.loc["行政复议收案数", "2023年"], years.loc["行政复议收案数", "2024年"]) == ("150", "162")
    at.selectbox(key="hl").set_value("reconsideration_received").run()
    at.button(key="toggle_text").click().run()
    assert not at.exception and at.query_params["text"] in ("1", ["1"])
    shown = [h.proto.body for h in at.get("html") if "ev-text" in h.proto.body]
    assert len(shown) == 1 and '<mark class="ev-figure" id="ev-fig">162件</mark>' in shown[0]


def test_profile_single_year_says_why_there_is_no_trend(app):
    at = app("profile", {"place": "太仓市"})
    assert not at.get("plotly_chart")
    assert any("只有 2024 年一份报告" in i.value for i in at.info)


def test_download_filters_and_keeps_numbers_numeric(app):
    at = app("download", {"level": "全部", "province": "浙江省", "year": "2024", "shape": "长表"})
    table = _frame(at, "指标代码")
    assert set(table["地区"]) == {"海盐县", "桥头镇"}
    assert table["数值"].dtype.kind == "f"
    row = table[(table["地区"] == "桥头镇") & (table["指标代码"] == "legal_consultations")].iloc[0]
    assert row["数值"] == 670 and row["显示值"] == "670+"
    assert len(at.get("download_button")) == 2


def test_download_indicator_filter(app):
    at = app("download", {"level": "全部", "year": "全部", "ind": "litigation_loss_rate", "shape": "长表"})
    table = _frame(at, "指标代码")
    assert set(table["指标代码"]) == {"litigation_loss_rate"}
    assert sorted(zip(table["地区"], table["年度"], table["显示值"], strict=True)) == [
        ("海盐县", 2023, "0%"),
        ("海盐县", 2024, "0%"),
        ("龙泉市", 2023, "5.41%"),
    ]


def test_search_finds_figures_in_clauses(app):
    at = app("search", {"q": "法律明白人"})
    table = _frame(at, "原文")
    assert table["原文"].str.contains("法律明白人").all()
    assert 180 in set(table["数值"]) and set(table["地区"]) == {"海盐县"}
    assert len(at.get("download_button")) == 2
    none = app("search", {"q": "没有这个词"})
    assert any("没有找到" in w.value for w in none.warning)


def test_import_page_states_the_size_limit(sample_db, monkeypatch, tmp_path):
    import time

    from dashboard import users

    for k, v in {
        **sample_db.env(),
        "FAZHI_MAX_FILE_MB": "3",
        "FAZHI_USERS": str(tmp_path / "u.json"),
    }.items():
        monkeypatch.setenv(k, v)
    users.set_user("编辑甲", "editor", "a long password", new=True)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.switch_page("dashboard/pages/upload.py")
    at.session_state["_fazhi_auth"] = {"name": "编辑甲", "since": time.time(), "seen": time.time()}
    at.run()
    assert any("不超过 3 MB" in c.value for c in at.caption)
    assert at.get("file_uploader")


@pytest.mark.parametrize("page", PAGES[:-1])
def test_missing_database_shows_a_friendly_pointer(page, tmp_path, monkeypatch):
    monkeypatch.setenv("FAZHI_DB", str(tmp_path / "none.duckdb"))
    at = _open(page)
    assert any("导入报告" in i.value for i in at.info)
    assert not at.dataframe and not at.get("plotly_chart")


def test_empty_database_shows_a_friendly_pointer(tmp_path, monkeypatch):
    from pipeline.build.database import build_database

    (tmp_path / "reports").mkdir()
    build_database([tmp_path / "reports"], tmp_path / "empty.duckdb", corrections=tmp_path / "c.csv")
    monkeypatch.setenv("FAZHI_DB", str(tmp_path / "empty.duckdb"))
    at = _open("compare")
    assert any("还没有报告" in i.value for i in at.info)


def test_unreadable_database_file_shows_a_friendly_message(tmp_path, monkeypatch):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv("FAZHI_DB", str(bad))
    at = _open("rank")
    assert any("已损坏，无法读取" in i.value and "make db" in i.value for i in at.info)
