"""Access control and upload safety without a browser: hashed passwords and the users command,
per-name backoff, sessions that expire, the sign-in gate on pages (AppTest), never-overwriting
placement, staging that cleans up, and the pipeline process that is killed when it must stop."""

from __future__ import annotations

import gc
import json
import os
import stat
import subprocess
import sys
import time

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import auth, importing, users
from tests.support.paths import ROOT

PASSWORD = "correct horse 7"


@pytest.fixture
def people(tmp_path, monkeypatch):
    """A users file with one editor (王敏) and one viewer (李华)."""
    path = tmp_path / "users.json"
    monkeypatch.setenv("FAZHI_USERS", str(path))
    users.set_user("王敏", "editor", PASSWORD, path, new=True)
    users.set_user("李华", "viewer", PASSWORD, path, new=True)
    auth.BACKOFF.succeeded("王敏")
    return path


def test_passwords_are_stored_hashed_with_their_own_salt(people):
    text = people.read_text(encoding="utf-8")
    assert PASSWORD not in text
    records = json.loads(text)["users"]
    assert records["王敏"]["salt"] != records["李华"]["salt"]
    assert records["王敏"]["hash"] != records["李华"]["hash"]  # same password, different salts
    assert stat.S_IMODE(people.stat().st_mode) == 0o600
    assert users.verify("王敏", PASSWORD) == users.User("王敏", "editor")
    assert users.verify("王敏", "wrong password") is None
    assert users.verify("没有这个人", PASSWORD) is None
    with pytest.raises(ValueError, match="至少 8"):
        users.set_user("张三", "editor", "short", people, new=True)
    with pytest.raises(ValueError, match="已存在"):
        users.set_user("王敏", "editor", PASSWORD, people, new=True)


def test_users_command_reads_the_password_from_stdin(tmp_path):
    path = tmp_path / "u.json"
    env = {**os.environ, "FAZHI_USERS": str(path), "PYTHONPATH": str(ROOT)}

    def run(*args, stdin=""):
        return subprocess.run(
            [sys.executable, "-m", "dashboard.users", *args],
            input=stdin,
            text=True,
            capture_output=True,
            env=env,
        )

    added = run("add", "赵六", "--role", "editor", stdin=PASSWORD + "\n")
    assert added.returncode == 0 and "已添加 赵六（编辑）" in added.stdout
    assert users.verify("赵六", PASSWORD, path).is_editor
    assert run("add", "赵六", stdin=PASSWORD + "\n").returncode == 1
    assert run("reading", "signin").returncode == 0 and users.reading_needs_signin(path)
    listed = run("list").stdout
    assert "赵六\t编辑" in listed and "查看也需要登录" in listed
    assert run("remove", "赵六").returncode == 0 and users.role_of("赵六", path) is None


def test_failed_sign_ins_are_slowed_per_name():
    now = [1000.0]
    b = auth.Backoff(free=3, cap=60, clock=lambda: now[0])
    for _ in range(3):
        assert b.wait_left("王敏") == 0
        b.failed("王敏")
    assert b.wait_left("王敏") == pytest.approx(1)
    b.failed("王敏")
    b.failed("王敏")
    assert b.wait_left("王敏") == pytest.approx(4)
    assert b.wait_left("李华") == 0  # another name is not held up
    now[0] += 4
    assert b.wait_left("王敏") == 0
    for _ in range(20):
        b.failed("王敏")
    assert b.wait_left("王敏") == pytest.approx(60)  # capped
    b.succeeded("王敏")
    assert b.wait_left("王敏") == 0


def _page(page: str, sample_db, monkeypatch, signed_in: str | None = None, seen_ago: float = 0) -> AppTest:
    for k, v in sample_db.env().items():
        monkeypatch.setenv(k, v)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if page != "overview":
        at.switch_page(f"dashboard/pages/{page}.py")
    if signed_in:
        now = time.time()
        at.session_state["_fazhi_auth"] = {"name": signed_in, "since": now - seen_ago, "seen": now - seen_ago}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_upload_page_needs_an_editor(people, sample_db, monkeypatch):
    anonymous = _page("upload", sample_db, monkeypatch)
    assert not anonymous.get("file_uploader")
    assert any("需要编辑人员登录" in i.value for i in anonymous.info)
    viewer = _page("upload", sample_db, monkeypatch, signed_in="李华")
    assert not viewer.get("file_uploader")
    assert any("李华 的角色是“只读”" in w.value for w in viewer.warning)
    editor = _page("upload", sample_db, monkeypatch, signed_in="王敏")
    assert editor.get("file_uploader")
    assert any("已登录：王敏（编辑）" in c.value for c in editor.sidebar.caption)


def test_sign_in_form_checks_the_password(people, sample_db, monkeypatch):
    at = _page("upload", sample_db, monkeypatch)
    at.text_input(key=next(k for k in at.session_state if k.endswith("_name"))).input("王敏")
    at.text_input(key=next(k for k in at.session_state if k.endswith("_password"))).input("wrong password")
    at.button[0].click().run()
    assert any("用户名或密码不正确" in e.value for e in at.error) and not at.get("file_uploader")
    at.text_input(key=next(k for k in at.session_state if k.endswith("_password"))).input(PASSWORD)
    at.button[0].click().run()
    assert at.get("file_uploader"), [e.value for e in at.error]


def test_a_session_expires_when_idle(people, sample_db, monkeypatch):
    monkeypatch.setenv("FAZHI_SESSION_MINUTES", "30")
    fresh = _page("upload", sample_db, monkeypatch, signed_in="王敏", seen_ago=29 * 60)
    assert fresh.get("file_uploader")
    stale = _page("upload", sample_db, monkeypatch, signed_in="王敏", seen_ago=31 * 60)
    assert not stale.get("file_uploader")
    assert any("登录已过期" in w.value for w in stale.warning)


def test_reading_can_require_a_sign_in(people, sample_db, monkeypatch):
    users.set_reading("signin", people)
    at = _page("overview", sample_db, monkeypatch)
    assert not at.metric and any("查看本系统需要登录" in m.value for m in at.markdown)
    at = _page("overview", sample_db, monkeypatch, signed_in="李华")
    assert [m.value for m in at.metric][0] == "6 份"


def test_a_trusted_proxy_header_signs_people_in_only_when_configured(people, sample_db, monkeypatch):
    monkeypatch.setenv("FAZHI_TRUST_HEADER", "X-Forwarded-User")
    at = _page("upload", sample_db, monkeypatch, signed_in="王敏")  # a session alone is not enough
    assert not at.get("file_uploader")
    assert any("统一登录" in i.value for i in at.info)


def test_place_files_never_replaces_a_report(tmp_path):
    reports, staging = tmp_path / "reports", tmp_path / "staging"
    reports.mkdir()
    staging.mkdir()
    (reports / "r.txt").write_bytes(b"first")
    staged = importing.stage_upload("r.txt", b"second", staging)  # a name taken after the preview
    assert importing.place_files([staged], reports) == {"r.txt": "r (2).txt"}
    assert (reports / "r.txt").read_bytes() == b"first" and (reports / "r (2).txt").read_bytes() == b"second"
    assert sorted(p.name for p in reports.iterdir()) == ["r (2).txt", "r.txt"]  # no temporary left
    assert importing.same_report(b"second", reports) == "r (2).txt"
    assert importing.same_report(b"third", reports) is None


def test_staging_is_made_on_first_use_and_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(importing.tempfile, "tempdir", str(tmp_path))
    s = importing.Staging()
    assert not s.made and not list(tmp_path.iterdir())  # a rerun that uploads nothing makes nothing
    folder = s.path
    assert folder.is_dir() and s.path == folder
    s.close()
    assert not folder.exists()
    s2 = importing.Staging()
    folder2 = s2.path
    del s2  # the session (and its state) going away
    gc.collect()
    assert not folder2.exists()
    old = tmp_path / f"{importing.STAGING_PREFIX}old"
    old.mkdir()
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    assert importing.sweep_stale_staging() == 1 and not old.exists()


def test_upload_limit_is_the_smaller_of_build_and_server(monkeypatch):
    monkeypatch.setenv("FAZHI_MAX_FILE_MB", "50")
    assert importing.upload_limit(20) == 20 * 1024 * 1024
    monkeypatch.setenv("FAZHI_MAX_FILE_MB", "5")
    assert importing.upload_limit(50) == 5 * 1024 * 1024


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_pipeline_process_is_killed_over_time_and_when_the_page_stops(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("2024年，全年收到行政复议案件12件。", encoding="utf-8")
    done = importing.run_pipeline(["extract", str(report), "--jsonl"], timeout=0.05)
    assert done.timed_out and done.code is None and done.seconds < 5
    seen = []

    class SessionEnded(Exception):
        pass

    def tick(elapsed):  # what Streamlit does inside an st call when the browser has left
        seen.append(elapsed)
        raise SessionEnded

    before = set(os.listdir("/proc"))
    with pytest.raises(SessionEnded):
        importing.run_pipeline(["extract", str(report), "--jsonl"], timeout=60, tick=tick, every=0.01)
    children = [p for p in set(os.listdir("/proc")) - before if p.isdigit()]
    assert seen and not [p for p in children if _alive(int(p)) and _is_child(int(p))]
    result = importing.parse_upload(report, timeout=0.05)
    assert not result.ok and "解析超时" in result.error


def _is_child(pid: int) -> bool:
    try:
        return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1]) == os.getpid()
    except (OSError, ValueError, IndexError):
        return False


def test_profile_corrections_follow_the_sign_in(people, tmp_path, monkeypatch):
    """地区档案's correction form is the signed-in editor's: a viewer gets the sign-in form and the
    history; an editor's correction is signed with their name and shown once the page rebuilt."""
    import csv
    import io

    from tests.support.sample_db import build_sample_db

    db = build_sample_db(tmp_path / "own")  # this test records a correction: a database of its own
    params = {"place": "海盐县", "hl": "reconsideration_received"}
    viewer = _page("profile", db, monkeypatch, signed_in="李华")
    for k, v in params.items():
        viewer.query_params[k] = v
    viewer.run()
    assert not [b for b in viewer.button if b.label == "记录更正"]
    assert any("记录更正需要编辑权限" in w.value for w in viewer.warning)
    assert any("这份报告的更正记录" in m.value for m in viewer.markdown)
    editor = _page("profile", db, monkeypatch, signed_in="王敏")
    for k, v in params.items():
        editor.query_params[k] = v
    editor.run()
    assert any("更正人：王敏" in c.value for c in editor.caption)
    tag = next(k for k in editor.session_state if k.startswith("fix_field_")).removeprefix("fix_field_")
    editor.selectbox(key=f"fix_field_{tag}").set_value("reconsideration_received").run()
    editor.text_input(key=f"fix_value_{tag}").input("170")
    editor.text_input(key=f"fix_reason_{tag}").input("以司法局统计为准")
    editor.button(key=f"fix_go_{tag}").click().run()
    assert not editor.exception, [e.value for e in editor.exception]
    rows = list(csv.DictReader(io.StringIO(db.corrections.read_text(encoding="utf-8"))))
    assert [(r["report_id"], r["field"], r["new_value"], r["who"]) for r in rows] == [
        ("haiyan_2024.txt", "reconsideration_received", "170", "王敏")
    ]
    assert rows[0]["id"] and not rows[0]["withdraws"]
    assert any("行政复议收案数：170" in m.value for m in editor.markdown), "the new value at once"
