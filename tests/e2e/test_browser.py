"""End to end in headless Chromium: every page opens without an exception (screenshot saved to
tests/artifacts/), a filter change redraws the chart, the CSV downloads through the page, a shared
URL reopens the same view (uploads by an editor: test_access.py)."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest

from tests.support.browser import (
    build_sample_db,
    free_port,
    pick,
    sample_dir,
    settle,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.e2e

PAGES = [
    ("overview", "", "法治对标 · 总览"),
    ("compare", "compare", "对比"),
    ("rank", "rank", "排名"),
    ("profile", "profile?place=海盐县&year=2024", "地区档案"),
    ("download", "download", "数据下载"),
    ("search", "search?q=法律明白人", "检索"),
    ("import", "upload", "导入报告"),
]


def _open(page, url: str) -> None:
    page.goto(url)
    settle(page)


def _assert_app_navigation(page) -> None:
    """The sidebar is app.py's navigation (Chinese titles), not Streamlit's file-name fallback."""
    nav = page.get_by_test_id("stSidebarNav").inner_text()
    assert "总览" in nav and "导入报告" in nav and "overview" not in nav


def _selected(page, label: str) -> str:
    """The value shown in the selectbox labelled `label`."""
    return page.get_by_role("combobox", name=label, exact=True).input_value()


def _chart_titles(page) -> list[str]:
    return page.locator('[data-testid="stPlotlyChart"] .gtitle').all_text_contents()


def _bar_labels(page) -> set[str]:
    return set(page.locator('[data-testid="stPlotlyChart"] .ytick text').all_text_contents())


@pytest.mark.parametrize(("name", "path", "title"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_opens_and_is_screenshotted(server, page, artifacts, name, path, title):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _open(page, f"{server}/{path}")
    assert page.locator("h1").first.inner_text().strip() == title
    _assert_app_navigation(page)
    assert page.get_by_test_id("stException").count() == 0
    assert errors == []
    # Streamlit scrolls inside its own container: a tall window puts the whole page in the screenshot.
    page.set_viewport_size({"width": 1400, "height": 2600})
    settle(page)
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def test_changing_the_year_redraws_the_chart(server, page):
    _open(page, f"{server}/compare")
    assert _chart_titles(page) == ["行政复议收案数（2024年）"]
    assert _bar_labels(page) == {"太仓市", "海盐县", "社旗县"}
    pick(page, "年度", "2023")
    assert _selected(page, "年度") == "2023"
    assert _chart_titles(page)[0].endswith("（2023年）")
    assert _bar_labels(page) == {"海盐县"}  # the new year's county peers: 龙泉市 has no such figure,
    notes = " ".join(page.get_by_test_id("stPlotlyChart").first.locator("text").all_text_contents())
    assert "无数据（报告未给出，不计为 0）：龙泉市" in notes  # so it is listed as 无数据, not drawn
    assert parse_qs(urlparse(page.url).query)["year"] == ["2023"]


def test_camera_button_saves_a_named_png_at_scale_two(server, page, tmp_path):
    _open(page, f"{server}/compare")
    chart = page.get_by_test_id("stPlotlyChart").first
    chart.hover()
    with page.expect_download() as info:
        chart.locator('.modebar-btn[data-title="下载图表为PNG格式"]').click()
    download = info.value
    assert download.suggested_filename == "法治对标_行政复议收案数_全国县级地区3个_2024.png"
    target = tmp_path / "chart.png"
    download.save_as(target)
    png = target.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    drawn = chart.locator(".main-svg").first.bounding_box()["width"]
    assert width == pytest.approx(2 * drawn, abs=4)  # scale 2


def test_csv_downloads_through_the_page(server, page, e2e_db, tmp_path):
    _open(page, f"{server}/download?level=全部&province=浙江省&year=2024&shape=长表")
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 CSV（长表）").click()
    download = info.value
    assert download.suggested_filename == "法治对标_全部指标_长表_浙江省全部层级地区2个_2024.csv"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0])[:5] == ["地区", "省份", "城市", "层级", "年度"]
    with duckdb.connect(":memory:") as con:
        con.execute(f"ATTACH '{e2e_db.db}' AS f (READ_ONLY)")
        expected = con.execute(
            "SELECT count(*) FROM f.indicator_values WHERE province = ? AND year = ?", ["浙江省", 2024]
        ).fetchone()[0]
    assert len(rows) == expected
    assert {r["地区"] for r in rows} == {"海盐县", "桥头镇"}
    hy = {r["指标代码"]: r for r in rows if r["地区"] == "海盐县"}
    assert hy["reconsideration_received"]["数值"] == "162.0" and hy["litigation_loss_rate"]["显示值"] == "0%"


def test_shared_url_reopens_the_same_view(server, page, browser):
    _open(page, f"{server}/rank")
    pick(page, "省份", "浙江省")
    pick(page, "年度", "2023")
    shared = page.url
    query = parse_qs(urlparse(shared).query)
    assert (query["level"], query["province"], query["year"]) == (["county"], ["浙江省"], ["2023"])
    assert {"city", "group", "cind", "rchart", "yoy"} <= set(query), "defaults are in the link too"
    table = page.get_by_test_id("stTable").last.inner_text()
    other = browser.new_page()
    try:
        _open(other, shared)
        assert (_selected(other, "层级"), _selected(other, "省份"), _selected(other, "年度")) == (
            "县级",
            "浙江省",
            "2023",
        )
        again = other.get_by_test_id("stTable").last.inner_text()
        assert again == table, (again.split(), table.split())
    finally:
        other.close()


HOSTILE = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">**粗体** :red[红字] $x$ [链接](javascript:alert(1))'


def test_report_text_with_markup_is_shown_as_text(browser, tmp_path, artifacts):
    text = (sample_dir() / "longquan_2023.txt").read_text(encoding="utf-8")
    text = text.replace("全年成功化解行政争议35件", f"{HOSTILE}。全年成功化解行政争议35件")
    db = build_sample_db(tmp_path, extra={"longquan_2023.txt": text.encode("utf-8")})
    port = free_port()
    proc = start_server(db, port)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        _open(page, f"http://127.0.0.1:{port}/profile?place=龙泉市&hl=litigation_loss_rate")
        _assert_app_navigation(page)  # a fresh server whose first request is a deep link
        page.get_by_role("button", name="打开报告全文并标出依据").click()
        page.get_by_text("橙色底为其中的数字").wait_for()
        settle(page)
        body = page.locator(".ev-text")
        assert body.count() == 1
        shown = body.inner_text()
        assert '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">' in shown
        assert "**粗体** :red[红字] $x$ [链接](javascript:alert(1))" in shown
        assert page.evaluate("window.__xss") is None
        assert (
            page.locator('img[src="x"]').count() == 0 and page.locator('a[href^="javascript"]').count() == 0
        )
        marks = body.locator("mark.ev-figure")
        assert marks.count() == 1 and marks.inner_text() == "5.41%"
        assert "5.41%" in body.locator("mark.ev-sentence").inner_text()
        marks.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "profile_report_text.png"), full_page=False)
    finally:
        page.close()
        stop_server(proc)
