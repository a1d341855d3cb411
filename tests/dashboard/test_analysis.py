"""Analysis on the analysis test database (tests/fixtures/analysis, 【测试数据】): units, peer groups,
references, ranks, the composite, year over year and briefing downloads, first as pure functions on
frames read from the real database, then through the pages (AppTest)."""

from __future__ import annotations

import io
import json

import duckdb
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts, export, peers, profile, ranking
from dashboard.data import VALUE_COLUMNS, VALUES_FROM
from tests.support.paths import ROOT


@pytest.fixture(scope="module")
def frames(analysis_db):
    with duckdb.connect(str(analysis_db.db), read_only=True) as con:
        reports = con.execute(
            "SELECT r.*, p.place FROM current_reports r JOIN places p USING (report_id)"
        ).df()
        values = con.execute(f"SELECT {VALUE_COLUMNS} FROM {VALUES_FROM}").df()
        defs = con.execute("SELECT * FROM indicator_defs ORDER BY sort_order").df()
    return reports, values, defs


def _d(defs, key):
    return defs.set_index("key").loc[key].to_dict() | {"key": key}


def _henan(reports):
    return peers.select_peers(reports, level="county", year=2024, province="河南省")


def test_display_units_fit_each_key_and_the_written_unit_is_kept(frames):
    _, values, defs = frames
    unit = defs.set_index("key")["unit"]
    assert unit["exec_meeting_law_study"] == "次" and unit["case_files_reviewed"] == "卷/份"
    assert unit["legal_consultations"] == "次/人次" and unit["reconsideration_received"] == "件"
    long = export.download_table(values[values["key"] == "case_files_reviewed"])
    assert set(long["单位"]) == {"卷/份"} and {"卷", "份"} <= set(long["原文单位"])


def test_units_that_do_not_compare_are_split_off(frames):
    _, values, defs = frames
    rows = values[(values["key"] == "joint_inspections") & (values["year"] == 2024)]
    kept, other, unit = ranking.split_units(rows, _d(defs, "joint_inspections"))
    assert unit == "次" and set(other["place"]) == {"内乡县", "桐乡市"}
    assert set(kept["unit_as_written"]) == {"次"}


def test_peer_groups_with_references_townships_and_departments(frames):
    reports, _, _ = frames
    group = _henan(reports)
    assert group.places == ("内乡县", "唐河县", "方城县", "淅川县", "西峡县", "镇平县") or set(
        group.places
    ) == {"内乡县", "唐河县", "方城县", "淅川县", "西峡县", "镇平县"}
    assert group.label == "2024年河南省县级地区（6个）" and group.file_part == "河南省县级地区6个_2024"
    assert group.reference_places == {"全国": "全国", "河南省": "河南省"}
    towns = peers.select_peers(reports, level="township", year=2024, county="西峡县")
    assert (
        set(towns.places) == {"丁河镇", "回车镇"} and towns.label == "2024年西峡县乡镇（街道）级地区（2个）"
    )
    dept = peers.select_peers(reports, level="department", year=2024, department="司法局")
    assert dept.places == ("南阳市司法局",) and dept.name == "全国部门（司法局）"
    everyone = peers.select_peers(reports, level=None, year=2024)
    assert "全国" not in everyone.places  # the national report is a reference, never a peer
    assert peers.default_group(reports) == {"level": "county", "year": 2024, "province": "河南省"}


def test_compare_ranks_as_fraction_with_median_direction_and_references(frames):
    reports, values, defs = frames
    group = _henan(reports)
    c = ranking.compare_indicator(
        values[values["year"] == 2024],
        list(group.places),
        _d(defs, "reconsideration_correction_rate"),
        group.reference_places,
    )
    assert c.median == 6.0 and c.references == [("全国", 12.07, "12.07%"), ("河南省", 9.0, "9%")]
    t = ranking.rank_display(c)
    assert t["排名"].to_list() == ["1/5", "2/5", "3/5", "4/5", "5/5", "未排名"]
    assert t["地区"].to_list()[:2] == ["西峡县", "淅川县"] and t["与组中位数比"].to_list()[:4] == [
        "较好",
        "较好",
        "持平",
        "较差",
    ]
    fig = charts.comparison_chart(c, group_label=group.label, year=2024)
    assert (
        "越低越好" in fig.layout.title.subtitle.text
        and "2024年河南省县级地区（6个）" in fig.layout.title.subtitle.text
    )
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert "组中位数 6%" in notes and "全国 12.07%" in notes and "数据来源" in notes
    assert fig.data[0].marker.color[0] == charts.BETTER and fig.data[0].marker.color[-1] == charts.WORSE


def test_neutral_counts_are_sorted_not_ranked_and_other_units_listed(frames):
    reports, values, defs = frames
    group = peers.select_peers(reports, level="county", year=2024)
    c = ranking.compare_indicator(
        values[values["year"] == 2024], list(group.places), _d(defs, "joint_inspections")
    )
    t = ranking.rank_display(c)
    assert "排名" not in t.columns and "与组中位数比" not in t.columns
    assert t["地区"].to_list()[:4] == ["西峡县", "平湖市", "淅川县", "方城县"]
    other = t[t["说明"] == "单位不同，未比较"]
    assert dict(zip(other["地区"], other["数值"], strict=True)) == {
        "内乡县": "1,996户次",
        "桐乡市": "1,200户次",
    }
    assert c.median == 91.5  # over the places in 次 only
    fig = charts.comparison_chart(c, group_label=group.label, year=2024)
    assert set(fig.data[0].marker.color) == {charts.NEUTRAL}


def test_composite_does_not_reward_missing_and_needs_five_places(frames):
    reports, values, defs = frames
    group = _henan(reports)
    keys = ranking.composite_keys(defs)
    given = [k for k in keys if k in set(values["key"])]
    table = ranking.composite_scores(
        values[values["year"] == 2024], list(group.places), dict.fromkeys(given, 1.0), defs
    )
    row = table.set_index("地区")
    assert row.loc["镇平县", "排名"] == "未排名（数据不足）" and row.loc["镇平县", "报告指标数"] == "2/5"
    assert row.loc["方城县", "排名"] == "5/5" and "实质性化解率以组中位数填补" in row.loc["方城县", "说明"]
    assert row.loc["淅川县", "排名"] == "1/5"
    assert "行政诉讼败诉率·标准分" in table.columns and row.loc["镇平县", "行政诉讼败诉率"] == "0%"
    assert "exec_meeting_law_study" not in keys  # counts have no per-capita base
    zj = peers.select_peers(reports, level="county", year=2024, province="浙江省")
    small = ranking.composite_scores(
        values[values["year"] == 2024], list(zj.places), dict.fromkeys(given, 1.0), defs
    )
    assert set(small["排名"]) == {"对比组过小"} and small["综合得分（标准分）"].isna().all()
    fig = charts.composite_chart(
        table,
        title="综合得分",
        subtitle=group.label,
        weights=ranking.weights_text(dict.fromkeys(given, 1.0), defs),
    )
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert "指标与权重：行政复议纠错率（越低越好）×1" in notes and "未排名（数据不足）：镇平县" in notes


def test_year_over_year_is_direction_aware(frames):
    reports, values, defs = frames
    group = _henan(reports)
    yoy = ranking.year_over_year(values, list(group.places), _d(defs, "litigation_loss_rate"), 2024)
    assert yoy["地区"].to_list()[:3] == ["淅川县", "西峡县", "内乡县"]
    assert yoy["变化"].to_list()[:3] == ["−3.5个百分点", "−1.8个百分点", "+2.8个百分点"]
    assert yoy["评价"].to_list()[:3] == ["改善", "改善", "退步"]
    assert set(yoy["评价"][3:]) == {"无上期数据"}


def test_profile_median_within_the_group_and_unit(frames):
    reports, values, defs = frames
    group = _henan(reports)
    v = values[values["year"] == 2024]
    table = profile.profile_table(defs, v, "内乡县", list(group.places)).set_index("指标")
    assert table.loc["跨部门联合执法检查数", "组中位数"] == "单位不同，未比较"
    assert table.loc["跨部门联合执法检查数", "单位"] == "户次"
    assert (
        table.loc["行政诉讼败诉率", "组中位数"] == "5%"
        and table.loc["行政诉讼败诉率", "与组中位数比"] == "较差"
    )


def test_wide_table_and_xlsx_for_briefings(frames):
    reports, values, defs = frames
    group = _henan(reports)
    v = values[(values["year"] == 2024) & values["place"].isin(group.places)]
    keys = ["litigation_loss_rate", "case_files_reviewed", "joint_inspections"]
    wide = export.wide_table(v[v["key"].isin(keys)], defs, keys).set_index("地区")
    assert (
        wide.loc["镇平县", "执法案卷评查数（卷/份）"] == "无数据"
        and wide.loc["西峡县", "执法案卷评查数（卷/份）"] == 210
    )
    assert wide.loc["内乡县", "跨部门联合执法检查数（次）"] == "1,996户次（单位不同）"
    about = export.about_rows(
        what="对比",
        group=group.label,
        filters="x",
        defs=defs,
        keys=keys,
        method="m",
        sources=["a.txt"],
        now="2025-01-01 09:00",
    )
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes({"宽表": wide.reset_index()}, about=about)))
    assert book.sheetnames == ["宽表", "说明"]
    ws = book["宽表"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    header = [c.value for c in ws[1]]
    col = header.index("执法案卷评查数（卷/份）") + 1
    cells = {ws.cell(r, 1).value: ws.cell(r, col) for r in range(2, ws.max_row + 1)}
    assert cells["西峡县"].data_type == "n" and cells["镇平县"].value == "无数据"
    assert ws.column_dimensions["A"].width < ws.column_dimensions[ws.cell(1, col).column_letter].width
    info = {r[0]: r[1] for r in book["说明"].iter_rows(min_row=2, values_only=True)}
    assert info["对比组"] == "2024年河南省县级地区（6个）" and info["导出时间"] == "2025-01-01 09:00"
    assert "卷/份" in info["指标：执法案卷评查数"] and "数据来源" in info


# ── the pages on the analysis database ────────────────────────────────────────────────────────────
@pytest.fixture
def open_page(analysis_db, monkeypatch):
    for k, v in analysis_db.env().items():
        monkeypatch.setenv(k, v)

    def _open(page: str, params: dict | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        at.switch_page(f"dashboard/pages/{page}.py")
        for k, v in (params or {}).items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return _open


def _tables(at, column):
    return [t.value for t in [*at.dataframe, *at.table] if column in t.value.columns]


def test_compare_page_defaults_to_one_province_and_names_the_group(open_page):
    at = open_page("compare", {"ind": "【行政诉讼】行政诉讼败诉率"})
    assert at.selectbox(key="province").value == "河南省" and at.selectbox(key="level").value == "county"
    assert any("2024年河南省县级地区（6个）" in c.value for c in at.caption)
    table = _tables(at, "依据原文")[0]
    assert table["排名"].to_list() == ["1/6", "2/6", "3/6", "4/6", "5/6", "6/6"]
    spec = json.dumps(json.loads(at.get("plotly_chart")[0].proto.spec), ensure_ascii=False)
    assert "全国 8.3%" in spec and "河南省 7.2%" in spec and "组中位数 5%" in spec
    labels = [b.proto.label for b in at.get("download_button")]
    assert len(labels) == 3 and labels[0] == "生成简报", labels  # the briefing, then CSV and XLSX


def test_rank_page_ranks_composite_and_year_over_year(open_page):
    at = open_page("rank", {"group": "行政诉讼", "yoy": "行政诉讼败诉率"})
    loss = [t for t in _tables(at, "排名") if "与组中位数比" in t.columns][0]
    assert loss["排名"].to_list()[0] == "1/6"
    composite = _tables(at, "综合得分（标准分）")[0].set_index("地区")
    assert composite.loc["镇平县", "排名"] == "未排名（数据不足）"
    change = _tables(at, "评价")[0]
    assert change["地区"].to_list()[0] == "淅川县" and change["评价"].to_list()[0] == "改善"
    assert len(at.get("plotly_chart")) >= 3  # rank charts, composite, change


def test_rank_page_small_group_gets_no_composite(open_page):
    at = open_page("rank", {"province": "浙江省"})
    assert any("对比组过小" in w.value for w in at.warning)
    assert set(_tables(at, "综合得分（标准分）")[0]["排名"]) == {"对比组过小"}


def test_townships_pick_their_county(open_page):
    at = open_page("rank", {"level": "乡镇（街道）级", "county": "西峡县", "group": "公共法律服务与学法"})
    assert at.selectbox(key="county").value == "西峡县"
    assert any("2024年河南省西峡县乡镇（街道）级地区（2个）" in c.value for c in at.caption)


def test_profile_uses_the_peer_group(open_page):
    at = open_page("profile", {"place": "内乡县"})
    assert at.selectbox(key="city").value == "南阳市"
    table = _tables(at, "组中位数")[0].set_index("指标")
    assert table.loc["跨部门联合执法检查数", "组中位数"] == "单位不同，未比较"


def test_download_page_wide_table_with_no_data_cells(open_page):
    at = open_page("download", {"ind": ["【行政执法】执法案卷评查数"]})
    wide = _tables(at, "执法案卷评查数（卷/份）")[0].set_index("地区")
    assert (
        wide.loc["镇平县", "执法案卷评查数（卷/份）"] == "无数据"
        and wide.loc["西峡县", "执法案卷评查数（卷/份）"] == "210"
    )
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载 CSV（宽表）", "下载 Excel（XLSX）"], labels
