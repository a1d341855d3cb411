"""The analysis pages in headless Chromium on the analysis test database (【测试数据】 reports): each
briefing chart is saved through its camera button as a PNG in tests/artifacts/ (named after what it
shows, peer group and size included), the peer group travels between pages and in the URL, and the
XLSX of 对比 downloads with its 说明 sheet."""

from __future__ import annotations

import io
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest

from tests.support.analysis_db import build_analysis_db
from tests.support.browser import free_port, settle, start_server, stop_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def analysis_server(tmp_path_factory) -> Iterator[str]:
    db = build_analysis_db(tmp_path_factory.mktemp("e2e_analysis"))
    port = free_port()
    proc = start_server(db, port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(proc)


def _save_chart(page, n: int, artifacts, name: str) -> tuple[str, bytes]:
    """Click the n-th chart's camera button; save the PNG as tests/artifacts/<name>.png."""
    chart = page.get_by_test_id("stPlotlyChart").nth(n)
    chart.scroll_into_view_if_needed()
    chart.hover()
    with page.expect_download() as info:
        chart.locator('.modebar-btn[data-title="下载图表为PNG格式"]').click()
    download = info.value
    target = artifacts / f"{name}.png"
    download.save_as(target)
    png = target.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return download.suggested_filename, png


def _ticks_top_down(chart) -> list[str]:
    """A bar chart's place labels as seen from top to bottom."""
    return chart.locator(".ytick text").evaluate_all(
        "els => els.map(e => [e.getBoundingClientRect().top, e.textContent])"
        ".sort((a, b) => a[0] - b[0]).map(x => x[1])"
    )


def _all_svg_text(page, n: int) -> str:
    return " ".join(page.get_by_test_id("stPlotlyChart").nth(n).locator("text").all_text_contents())


def test_compare_chart_has_median_national_province_and_direction(analysis_server, page, artifacts):
    page.goto(f"{analysis_server}/compare?ind=【行政复议】行政复议纠错率")
    settle(page)
    text = _all_svg_text(page, 0)
    assert "行政复议纠错率（2024年）" in text
    assert "越低越好" in text and "2024年河南省县级地区（6个）" in text
    assert "组中位数 6%" in text and "全国 12.07%" in text and "河南省 9%" in text
    assert "数据来源" in text and "无数据（报告未给出，不计为 0）：镇平县" in text
    ticks = _ticks_top_down(page.get_by_test_id("stPlotlyChart").first)
    assert ticks == ["西峡县", "淅川县", "唐河县", "内乡县", "方城县"]  # best (lowest) on top
    name, _ = _save_chart(page, 0, artifacts, "briefing_compare_correction_rate")
    assert name == "法治对标_行政复议纠错率_河南省县级地区6个_2024.png"


def test_compare_units_that_do_not_compare_are_listed_not_drawn(analysis_server, page, artifacts):
    page.goto(f"{analysis_server}/compare?ind=【行政执法】跨部门联合执法检查数&province=全部")
    settle(page)
    text = _all_svg_text(page, 0)
    assert "单位：次" in text and "中性指标" in text
    assert "单位不同，未比较：内乡县（1,996户次）、桐乡市（1,200户次）" in text
    ticks = _ticks_top_down(page.get_by_test_id("stPlotlyChart").first)
    assert "内乡县" not in ticks and "桐乡市" not in ticks and ticks[0] == "西峡县"
    _save_chart(page, 0, artifacts, "briefing_compare_joint_inspections")


def test_rank_chart_composite_and_year_over_year(analysis_server, page, artifacts):
    page.goto(f"{analysis_server}/rank?group=行政诉讼")
    settle(page)
    text = _all_svg_text(page, 0)
    assert "行政诉讼败诉率排名（2024年）" in text and "1/6  镇平县" in text
    _save_chart(page, 0, artifacts, "briefing_rank_loss_rate")
    composite = page.get_by_test_id("stPlotlyChart").filter(has_text="综合得分").first
    ctext = " ".join(composite.locator("text").all_text_contents())
    assert "指标与权重：" in ctext and "行政诉讼败诉率（越低越好）×1" in ctext
    assert "未排名（数据不足）：镇平县" in ctext
    assert "1/5  淅川县" in ctext
    charts = page.get_by_test_id("stPlotlyChart")
    idx = [i for i in range(charts.count()) if "综合得分" in _all_svg_text(page, i)][0]
    _save_chart(page, idx, artifacts, "briefing_composite")
    yoy = [i for i in range(charts.count()) if "较上期变化" in _all_svg_text(page, i)]
    assert yoy


def test_year_over_year_names_who_improved_most(analysis_server, page, artifacts):
    page.goto(f"{analysis_server}/rank?yoy=行政诉讼败诉率")
    settle(page)
    charts = page.get_by_test_id("stPlotlyChart")
    i = [n for n in range(charts.count()) if "较上期变化" in _all_svg_text(page, n)][0]
    ticks = _ticks_top_down(charts.nth(i))
    assert ticks[0].startswith("淅川县") and ticks[-1].startswith("内乡县")  # most improved on top
    text = _all_svg_text(page, i)
    assert "−3.5个百分点" in text and "+2.8个百分点" in text and "越低越好" in text
    _save_chart(page, i, artifacts, "briefing_year_over_year")


def test_peer_group_is_kept_across_pages_and_in_the_url(analysis_server, page):
    page.goto(f"{analysis_server}/rank")
    settle(page)
    box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("省份", exact=True)).first
    box.get_by_role("combobox").click()
    box.get_by_role("combobox").fill("浙江省")
    page.get_by_role("option", name="浙江省", exact=True).click()
    page.wait_for_timeout(300)
    settle(page)
    assert parse_qs(urlparse(page.url).query)["province"] == ["浙江省"]
    assert page.get_by_test_id("stAlert").filter(has_text="对比组过小").count() == 1
    page.get_by_test_id("stSidebarNav").get_by_text("对比").click()
    settle(page)
    assert page.get_by_role("combobox", name="省份", exact=True).input_value() == "浙江省"


def test_compare_xlsx_has_wide_long_and_about_sheets(analysis_server, page, tmp_path):
    from openpyxl import load_workbook

    page.goto(f"{analysis_server}/compare?ind=【行政诉讼】行政诉讼败诉率&ind=【行政执法】执法案卷评查数")
    settle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 Excel（XLSX）").click()
    download = info.value
    assert (
        download.suggested_filename
        == "法治对标_对比_行政诉讼败诉率、执法案卷评查数_河南省县级地区6个_2024.xlsx"
    )
    target = tmp_path / "cmp.xlsx"
    download.save_as(target)
    wb = load_workbook(io.BytesIO(target.read_bytes()))
    assert wb.sheetnames == ["宽表", "长表", "说明"]
    wide = wb["宽表"]
    assert wide.freeze_panes == "A2"
    header = [c.value for c in wide[1]]
    assert "执法案卷评查数（卷/份）" in header
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in wide.iter_rows(min_row=2, values_only=True)}
    assert (
        rows["镇平县"]["执法案卷评查数（卷/份）"] == "无数据"
        and rows["西峡县"]["执法案卷评查数（卷/份）"] == 210
    )
    about = {r[0]: r[1] for r in wb["说明"].iter_rows(min_row=2, values_only=True)}
    assert about["对比组"] == "2024年河南省县级地区（6个）" and "导出时间" in about
    assert "依法" in about["指标：执法案卷评查数"] or "案卷" in about["指标：执法案卷评查数"]
