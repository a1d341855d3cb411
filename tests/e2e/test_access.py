"""Who may change data, in a real Chromium: a viewer (signed in or not) reaches no upload, correction
or rebuild; an editor signs in, uploads, corrects and rebuilds, and their name is on both changes
(and on 总览); a second upload of the same name keeps both reports and the same bytes are recognised;
leaving the page stops a parse; URLs in report text stay text; no request leaves the machine."""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pytest

from dashboard import users
from tests.support.browser import (
    build_sample_db,
    earlier_haiyan,
    free_port,
    sample_dir,
    settle,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.e2e
PASSWORD = "office pass 2025"


def _with_people(root: Path) -> dict:
    """A users file with an editor (王敏) and a viewer (李华); the server's environment for it."""
    path = root / "users.json"
    users.set_user("王敏", "editor", PASSWORD, path, new=True)
    users.set_user("李华", "viewer", PASSWORD, path, new=True)
    tmp = root / "tmp"
    tmp.mkdir(exist_ok=True)
    return {"FAZHI_USERS": str(path), "TMPDIR": str(tmp)}


def _open(page, url: str) -> None:
    page.goto(url)
    settle(page)


def _sign_in(page, name: str, password: str = PASSWORD) -> None:
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if password == PASSWORD:
        page.get_by_text(f"已登录：{name}").wait_for()
    else:
        page.get_by_text("用户名或密码不正确").wait_for()
    page.wait_for_timeout(300)
    settle(page)


def _upload(page, *paths: Path) -> None:
    page.locator('input[type="file"]').set_input_files([str(p) for p in paths])
    page.wait_for_timeout(500)
    settle(page, timeout=90_000)


def _db_rows(db, sql: str, params: list) -> list:
    with duckdb.connect(":memory:") as con:
        con.execute(f"ATTACH '{db}' AS f (READ_ONLY)")
        return con.execute(sql, params).fetchall()


@pytest.fixture
def office(tmp_path):
    """A server on the sample database with an editor and a viewer; taicang_2024.txt left out so an
    upload can bring it back."""
    db = build_sample_db(tmp_path)
    (db.reports / "taicang_2024.txt").unlink()
    from pipeline.build.database import build_database

    build_database([db.reports], db.db, corrections=db.corrections)
    env = _with_people(tmp_path)
    port = free_port()
    proc = start_server(db, port, env=env)
    yield db, f"http://127.0.0.1:{port}", Path(env["TMPDIR"])
    stop_server(proc)


def test_a_viewer_reaches_no_upload_correction_or_rebuild(office, browser, artifacts):
    db, server, _ = office
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        _open(page, f"{server}/upload")
        assert page.locator('input[type="file"]').count() == 0
        assert page.get_by_role("button", name="记录更正").count() == 0
        assert page.get_by_role("button", name="加入数据库").count() == 0
        assert page.get_by_text("需要编辑人员登录").count() == 1
        page.screenshot(path=str(artifacts / "access_anonymous_upload.png"))
        _sign_in(page, "李华", "not the password")
        assert page.get_by_text("用户名或密码不正确").count() == 1
        _sign_in(page, "李华")
        assert page.get_by_text("李华 的角色是“只读”").count() == 1
        assert page.locator('input[type="file"]').count() == 0
        assert page.get_by_text("已登录：李华（只读）").count() == 1
        page.screenshot(path=str(artifacts / "access_viewer_upload.png"))
        _open(page, f"{server}/")  # reading stays open to the viewer
        assert page.get_by_test_id("stMetric").count() == 3
    finally:
        page.close()
    assert not db.corrections.exists()


def test_an_editor_uploads_corrects_and_is_named(office, browser, artifacts):
    db, server, tmp = office
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        _open(page, f"{server}/upload")
        _sign_in(page, "王敏")
        assert page.get_by_text("已登录：王敏（编辑）").count() == 1
        _upload(page, sample_dir() / "taicang_2024.txt")
        page.get_by_text("更正一个数值或报告信息").wait_for(timeout=60_000)
        settle(page)
        assert page.get_by_role("heading", name="taicang_2024.txt").count() == 1
        assert len(list(tmp.glob("fazhi_upload_*"))) == 1  # one staging folder, not one per rerun
        page.get_by_text("更正一个数值或报告信息").click()  # the panel opens in its expander
        page.get_by_role("button", name="记录更正").wait_for()
        settle(page)
        assert page.get_by_text("更正人：王敏").count() == 1
        box = (
            page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("要更正的字段", exact=True)).first
        )
        box.get_by_role("combobox").click()
        box.get_by_role("combobox").fill("行政复议收案数")
        page.get_by_role("option", name="行政复议收案数", exact=True).click()
        page.get_by_label("正确的值（留空表示删除该值）").fill("330")
        page.get_by_label("更正理由（必填）").fill("核对原文")
        page.get_by_role("button", name="记录更正").click()
        page.get_by_text("已记录更正").wait_for()
        settle(page)
        assert not db.corrections.exists(), "kept pending until the report is added under its name"
        preview = page.locator('[role="gridcell"]', has_text="人工更正（王敏）：核对原文")
        preview.first.wait_for(state="attached")  # the preview shows the corrected value at once
        page.set_viewport_size({"width": 1400, "height": 2000})
        settle(page)
        page.screenshot(path=str(artifacts / "access_editor_upload.png"), full_page=True)
        page.get_by_role("button", name="加入数据库（1 个文件）").click()
        page.get_by_text("已加入数据库").wait_for(timeout=90_000)
        settle(page)
        assert page.get_by_text("由 王敏 导入").count() == 1
        assert not list(tmp.glob("fazhi_upload_*"))  # staging removed when done
        rows = list(csv.DictReader(io.StringIO(db.corrections.read_text(encoding="utf-8"))))
        assert [(r["report_id"], r["field"], r["new_value"], r["who"]) for r in rows] == [
            ("taicang_2024.txt", "reconsideration_received", "330", "王敏")
        ]
        log = list(csv.DictReader(io.StringIO((db.root / "uploads.csv").read_text(encoding="utf-8"))))
        assert [(r["report_id"], r["who"]) for r in log] == [("taicang_2024.txt", "王敏")]
        value = _db_rows(
            db.db,
            "SELECT value, origin FROM f.indicator_values WHERE report_id = ? AND key = ?",
            ["taicang_2024.txt", "reconsideration_received"],
        )
        assert value == [(330, "corrected")]
        _open(page, f"{server}/")
        recent = page.get_by_test_id("stDataFrame").last
        recent.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        page.set_viewport_size({"width": 1400, "height": 2200})
        settle(page)
        page.screenshot(path=str(artifacts / "access_overview_recent_changes.png"), full_page=True)
        assert page.get_by_role("heading", name="最近的更改").count() == 1
        # the grid is a canvas: its cells are read from the accessible table Glide keeps beside it
        cells = (
            page.locator('[data-testid="stDataFrame"]').last.locator('[role="gridcell"]').all_inner_texts()
        )
        assert "王敏" in cells and "更正" in cells and "上传" in cells
    finally:
        page.close()


def test_a_second_upload_of_the_same_name_keeps_both(office, browser, tmp_path, artifacts):
    db, server, _ = office
    other = tmp_path / "upload" / "haiyan_2024.txt"  # same name as a report, different content
    other.parent.mkdir()
    other.write_bytes(earlier_haiyan())
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        _open(page, f"{server}/upload")
        _sign_in(page, "王敏")
        _upload(page, other)
        page.get_by_role("heading", name="haiyan_2024 (2).txt").wait_for(timeout=60_000)
        assert page.get_by_text("这份将保存为“haiyan_2024 (2).txt”").count() == 1
        page.screenshot(path=str(artifacts / "access_same_name_kept.png"))
        page.get_by_role("button", name="加入数据库（1 个文件）").click()
        page.get_by_text("已加入数据库").wait_for(timeout=90_000)
        settle(page)
        assert (db.reports / "haiyan_2024.txt").read_bytes() == (
            sample_dir() / "haiyan_2024.txt"
        ).read_bytes()
        assert (db.reports / "haiyan_2024 (2).txt").read_bytes() == earlier_haiyan()
        ids = _db_rows(
            db.db, "SELECT report_id FROM f.current_reports WHERE report_id LIKE ?", ["haiyan_2024%"]
        )
        assert sorted(r[0] for r in ids) == ["haiyan_2024 (2).txt", "haiyan_2024.txt"]
        # the exact bytes of an existing report: recognised as that report, nothing to add
        _upload(page, sample_dir() / "haiyan_2024.txt")
        page.get_by_text("与已有报告 haiyan_2024.txt 内容完全相同").wait_for(timeout=30_000)
        assert page.get_by_role("button", name="加入数据库").count() == 0
        page.screenshot(path=str(artifacts / "access_same_bytes.png"), full_page=True)
    finally:
        page.close()
    assert sorted(p.name for p in db.reports.glob("haiyan_2024*")) == [
        "haiyan_2024 (2).txt",
        "haiyan_2024.txt",
    ]


def _slow_pdf(path: Path, pages: int = 3000) -> Path:
    """A long text PDF that takes the parser many seconds (pypdf reads every page)."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for i in range(pages):
        for j in range(40):
            c.drawString(40, 800 - j * 19, f"Line {i} {j} of a long annual report, number {i * j}.")
        c.showPage()
    c.save()
    return path


def _extract_children(server_pid: int) -> list[int]:
    """Processes started by the server that run `pipeline extract`."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        if ppid == server_pid and b"extract" in cmd:
            found.append(int(pid))
    return found


def test_a_parse_stops_when_the_page_is_left_or_runs_over(browser, tmp_path):
    db = build_sample_db(tmp_path)
    env = _with_people(tmp_path)
    slow = _slow_pdf(tmp_path / "long_report.pdf")
    port = free_port()
    proc = start_server(db, port, env={**env, "FAZHI_UPLOAD_TIMEOUT": "120"})
    try:
        page = browser.new_page()
        _open(page, f"http://127.0.0.1:{port}/upload")
        _sign_in(page, "王敏")
        page.locator('input[type="file"]').set_input_files(str(slow))
        deadline = time.monotonic() + 20
        while not _extract_children(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _extract_children(proc.pid), "the upload is parsed in a child process"
        page.get_by_text("正在解析").wait_for(timeout=10_000)
        page.close()  # the browser leaves
        left = time.monotonic()
        while _extract_children(proc.pid) and time.monotonic() - left < 10:
            time.sleep(0.2)
        assert not _extract_children(proc.pid), "the parse went on after the browser left"
        assert time.monotonic() - left < 5
    finally:
        stop_server(proc)
    port = free_port()
    proc = start_server(db, port, env={**env, "FAZHI_UPLOAD_TIMEOUT": "3"})
    try:
        page = browser.new_page()
        _open(page, f"http://127.0.0.1:{port}/upload")
        _sign_in(page, "王敏")
        _upload(page, slow)
        page.get_by_text("解析超时").wait_for(timeout=30_000)
        assert not _extract_children(proc.pid)
        page.close()
    finally:
        stop_server(proc)


URLS = "全年通过https://evil.example.com/a平台和www.evil.example.org收到行政复议案件162件"


def test_urls_in_report_text_are_not_links_and_nothing_leaves_the_machine(browser, tmp_path, artifacts):
    text = (sample_dir() / "haiyan_2024.txt").read_text(encoding="utf-8")
    assert "全年收到行政复议案件162件" in text
    text = text.replace("全年收到行政复议案件162件", URLS)
    db = build_sample_db(tmp_path, extra={"haiyan_2024.txt": text.encode("utf-8")})
    port = free_port()
    proc = start_server(db, port, env=_with_people(tmp_path))
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    try:
        for path in (
            "compare",
            "rank",
            "profile?place=海盐县&hl=reconsideration_received",
            "search?q=行政复议",
        ):
            _open(page, f"http://127.0.0.1:{port}/{path}")
            if path.startswith("profile"):
                page.get_by_role("button", name="打开报告全文并标出依据").click()
                page.get_by_text("橙色底为其中的数字").wait_for()
                settle(page)
                body = page.locator(".ev-text")
                assert "https://evil.example.com/a平台和www.evil.example.org" in body.inner_text()
                assert body.locator("a").count() == 0
                page.locator("#ev-fig").scroll_into_view_if_needed()
                page.screenshot(path=str(artifacts / "access_url_as_text.png"))
            anchors = page.eval_on_selector_all('[data-testid="stMain"] a', "els => els.map(e => e.href)")
            assert not [a for a in anchors if "evil" in a], (path, anchors)
    finally:
        page.close()
        stop_server(proc)
    outside = {
        urlparse(u).hostname for u in requested if urlparse(u).scheme in ("http", "https", "ws", "wss")
    }
    assert outside == {"127.0.0.1"}, outside
