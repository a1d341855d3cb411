"""Links, trace, corrections and Chinese text in real Chromium: a copied link reopens the same view
after new reports are built in; a link naming nothing gets a Chinese notice; an unknown path gets a
Chinese page; the evidence is highlighted and scrolled into view; a correction made in 地区档案 shows
at once, survives a rebuild and can be withdrawn; an unplaced upload must be placed; no English."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from dashboard import users
from pipeline.build.database import build_database
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
PASSWORD = "office pass 2025"


def _open(page, url: str) -> None:
    page.goto(url)
    settle(page)


def _bars(page) -> list[str]:
    return page.locator('[data-testid="stPlotlyChart"] .ytick text').all_text_contents()


def _notices(page) -> list[str]:
    return [t.strip() for t in page.get_by_test_id("stAlertContentWarning").all_inner_texts()]


def _sign_in(page, name: str = "张三") -> None:
    """Sign in as an editor through the Chinese form the page shows."""
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_text(f"已登录：{name}").wait_for()
    page.wait_for_timeout(300)
    settle(page)


@pytest.fixture
def own_server(tmp_path):
    """A server of its own on a database of its own (these tests add reports and corrections), with
    an editor account (张三): corrections and uploads need an editor's sign-in."""
    db = build_sample_db(tmp_path)
    people = tmp_path / "users.json"
    users.set_user("张三", "editor", PASSWORD, people, new=True)
    port = free_port()
    proc = start_server(db, port, env={"FAZHI_USERS": str(people)})
    try:
        yield db, f"http://127.0.0.1:{port}"
    finally:
        stop_server(proc)


def test_a_copied_link_reopens_the_same_view_after_new_reports(own_server, page, artifacts):
    db, url = own_server
    _open(page, f"{url}/compare")
    copied = page.url
    query = parse_qs(urlparse(copied).query)
    assert query["year"] == ["2024"] and query["ind"] == ["reconsideration_received"]
    assert len(query["places"]) == 3, "the default places are in the link"
    before = (_bars(page), page.locator(".gtitle").first.text_content())
    # A 2025 report and another 2024 county report arrive.
    sheqi = (sample_dir() / "sheqi_2024.txt").read_text(encoding="utf-8")
    (db.reports / "sheqi_2025.txt").write_text(sheqi.replace("2024", "2025"), encoding="utf-8")
    text = (sample_dir() / "haiyan_2024.txt").read_text(encoding="utf-8")
    (db.reports / "pinghu_2024.txt").write_text(text.replace("海盐县", "平湖市").replace("海盐", "平湖"))
    build_database([db.reports], db.db, corrections=db.corrections)
    _open(page, f"{url}/compare")
    assert parse_qs(urlparse(page.url).query)["year"] == ["2025"], "a fresh visit shows the newest year"
    _open(page, copied)
    assert (_bars(page), page.locator(".gtitle").first.text_content()) == before
    assert _notices(page) == []
    page.screenshot(path=str(artifacts / "link_after_new_reports.png"), full_page=True)


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("profile?place=不存在县", "没有找到链接中的地区“不存在县”"),
        ("profile?place=海盐县&year=1999", "没有找到链接中的年度“1999”"),
        ("compare?year=1999", "没有找到链接中的年度“1999”，显示的是年度“2024”"),
        ("compare?ind=no_such_indicator", "没有找到链接中的指标“no_such_indicator”"),
        ("rank?province=火星省", "没有找到链接中的省份“火星省”"),
        ("profile?place=海盐县&hl=not_a_key", "没有找到链接中的指标“not_a_key”"),
    ],
    ids=["place", "profile-year", "compare-year", "indicator", "province", "highlight"],
)
def test_a_parameter_that_names_nothing_gets_a_notice(server, page, artifacts, path, says):
    _open(page, f"{server}/{path}")
    assert any(says in n for n in _notices(page)), _notices(page)
    assert page.get_by_test_id("stException").count() == 0
    if "不存在县" in path:
        page.screenshot(path=str(artifacts / "notice_bad_place.png"))


def test_a_link_by_place_name_is_rewritten_to_the_place_id(server, page):
    _open(page, f"{server}/profile?place=海盐县&year=2023")
    assert parse_qs(urlparse(page.url).query)["place"] == ["浙江省/嘉兴市/海盐县"]
    assert page.get_by_role("combobox", name="年度").input_value() == "2023"
    assert _notices(page) == []


def test_an_unknown_path_shows_a_chinese_page_with_links(server, page, artifacts):
    _open(page, f"{server}/no-such-page")
    assert page.locator("h1").first.inner_text() == "未找到页面"
    assert page.get_by_text("Page not found").count() == 0
    links = page.get_by_test_id("stPageLink").all_inner_texts()
    assert [re.sub(r"[a-z_]", "", t).strip() for t in links] == [
        "总览",
        "对比",
        "排名",
        "地区档案",
        "数据下载",
        "检索",
        "导入报告",
    ]
    page.screenshot(path=str(artifacts / "unknown_path.png"))
    _open(page, f"{server}/overview")
    assert page.locator("h1").first.inner_text() == "法治对标 · 总览"
    assert page.get_by_text("Page not found").count() == 0


def test_trace_highlights_the_sentence_scrolls_to_it_and_explains_a_derived_value(server, page, artifacts):
    _open(page, f"{server}/profile?place=海盐县&year=2024&hl=reconsideration_correction_rate&text=1")
    page.locator("#ev-fig").wait_for()
    page.wait_for_timeout(800)  # the scroll runs after the text is drawn
    main = page.get_by_test_id("stMain").inner_text()
    assert "行政复议纠错数 1件 ÷ 行政复议办结数 151件 × 100 = 0.66%" in main
    assert main.count("依据原文：“") == 2, "both sentences of a derived value"
    figure = page.locator("#ev-fig")
    assert figure.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(234, 88, 12)"
    sentence = page.locator("mark.ev-sentence").first
    assert sentence.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(253, 224, 71)"
    assert page.locator("mark.ev-figure").count() == 2, "the figures of both sentences"
    box, fig = page.locator(".ev-text").bounding_box(), figure.bounding_box()
    assert box["y"] <= fig["y"] <= box["y"] + box["height"], "scrolled inside the text box"
    assert 0 <= fig["y"] <= page.viewport_size["height"], "and on screen"
    page.screenshot(path=str(artifacts / "trace_derived.png"))
    assert "text=1" in page.url and "hl=reconsideration_correction_rate" in page.url


def test_a_correction_from_the_profile_shows_at_once_survives_a_rebuild_and_is_withdrawn(
    own_server, page, artifacts
):
    db, url = own_server
    _open(page, f"{url}/profile?place=海盐县&year=2024&hl=reconsideration_received")
    assert page.get_by_role("button", name="记录更正").count() == 0, "a viewer gets the sign-in form"
    assert page.get_by_text("记录更正需要编辑人员登录").count() == 1
    _sign_in(page)
    assert page.get_by_text("更正人：张三").count() == 1
    pick(page, "要更正的字段", "行政复议收案数")
    page.get_by_label("正确的值（留空表示删除该值）").fill("170")
    page.get_by_label("更正理由（必填）").fill("以司法局统计为准")
    page.get_by_role("button", name="记录更正").click()
    page.get_by_text("已记录更正").wait_for(timeout=60_000)
    settle(page)
    assert "行政复议收案数：170" in page.get_by_test_id("stMain").inner_text(), "the new value at once"
    assert "人工更正（张三）：以司法局统计为准" in page.get_by_test_id("stMain").inner_text()
    row = db.corrections.read_text(encoding="utf-8").splitlines()[1].split(",")
    assert row[:5] == ["haiyan_2024.txt", "reconsideration_received", "170", "以司法局统计为准", "张三"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row[5])
    build_database([db.reports], db.db, corrections=db.corrections)  # a rebuild keeps it
    _open(page, page.url)  # a reload is a new session: sign in again
    assert "行政复议收案数：170" in page.get_by_test_id("stMain").inner_text()
    history = page.get_by_test_id("stTable").last.inner_text()
    assert "张三" in history and "有效" in history, "the history is shown to anyone"
    assert page.get_by_role("button", name="撤销这条更正").count() == 0, "withdrawing needs an editor"
    _sign_in(page)
    # Level choices are Chinese.
    pick(page, "要更正的字段", "层级")
    box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("正确的层级", exact=True))
    box.get_by_role("combobox").click()
    options = page.get_by_role("option").all_inner_texts()
    assert "县级" in options and not any(re.search(r"[a-z]", o) for o in options)
    page.keyboard.press("Escape")
    page.get_by_label("撤销理由（必填）").fill("核对后以原文为准")
    page.get_by_role("button", name="撤销这条更正").click()
    page.get_by_text("已撤销").first.wait_for(timeout=60_000)
    settle(page)
    main = page.get_by_test_id("stMain").inner_text()
    assert "行政复议收案数：162" in main
    history = page.get_by_test_id("stTable").last.inner_text()
    assert "已撤销" in history and "撤销记录" in history and "张三" in history
    assert len(db.corrections.read_text(encoding="utf-8").splitlines()) == 3, "nothing erased"
    page.get_by_text("这份报告的更正记录").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "correction_history.png"))


UNPLACED = "工作总结\n一年来，我们坚持依法行政。全年收到行政复议案件12件，办结10件。\n"


def test_an_unplaced_upload_must_be_placed_and_a_doc_file_is_explained(own_server, page, artifacts, tmp_path):
    db, url = own_server
    upload = tmp_path / "无名报告.txt"
    upload.write_text(UNPLACED, encoding="utf-8")
    old = tmp_path / "旧报告.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0 not really a doc")
    _open(page, f"{url}/upload")
    _sign_in(page)
    page.locator('input[type="file"]').set_input_files([str(upload), str(old)])
    page.get_by_text("这份报告没有识别出").wait_for(timeout=60_000)
    settle(page)
    main = page.get_by_test_id("stMain").inner_text()
    assert "旧报告.doc：这是旧版 Word 文件（.doc），无法直接读取" in main and "另存为” .docx 或 PDF" in main
    add = page.get_by_role("button", name="加入数据库（1 个文件）")
    assert add.is_disabled()
    page.screenshot(path=str(artifacts / "upload_unplaced.png"), full_page=True)
    page.get_by_text("暂不归类（先加入数据库").click()
    page.wait_for_function(
        """() => [...document.querySelectorAll('button')].some(
             b => b.innerText.includes('加入数据库（1 个文件）') && !b.disabled)""",
        timeout=30_000,
    )
    settle(page)
    add.click()
    page.get_by_text("已加入数据库：无名报告.txt（由 张三 导入）").wait_for(timeout=90_000)
    settle(page)
    # Unplaced, it is still on 地区档案, where its place can be given later.
    _open(page, f"{url}/profile?place=报告:无名报告.txt")
    assert page.get_by_text("这份报告尚未归类").count() == 1
    assert page.get_by_test_id("stException").count() == 0


ALLOWED = {
    "CSV",
    "XLSX",
    "PNG",
    "PDF",
    "MB",
    "Word",
    "WPS",
    "Excel",
    "txt",
    "html",
    "htm",
    "docx",
    "pdf",
    "doc",
}
FILE = re.compile(r"[\w.\-]+\.(?:txt|html?|docx?|pdf)")


@pytest.mark.parametrize(
    "path",
    [
        "",
        "compare",
        "rank",
        "profile?place=海盐县&year=2024&text=1",
        "download",
        "search?q=法律明白人",
        "upload",
        "nope",
    ],
)
def test_no_english_on_any_page(server, page, artifacts, path):
    _open(page, f"{server}/{path}")
    page.wait_for_timeout(500)
    text = page.evaluate(
        """() => { const c = document.querySelector('[data-testid="stApp"]').cloneNode(true);
             c.querySelectorAll('[data-testid="stIconMaterial"], svg, style, script').forEach(e => e.remove());
             document.body.appendChild(c); c.style.position = 'absolute'; c.style.left = '-99999px';
             const t = c.innerText; c.remove(); return t; }"""
    )
    words = set(re.findall(r"[A-Za-z]{2,}", FILE.sub("", text))) - ALLOWED
    assert not words, words
    name = path.split("?")[0] or "overview"
    page.screenshot(path=str(artifacts / f"chinese_{name}.png"))
