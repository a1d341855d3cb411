"""The smaller holes of issue 15 in parse and build, each closed: symlinks out of the reports folder,
FIFOs, short binary junk, the ingest_log that grew by a row per file per build, GBK-byte and
control-character file names, pypdf's own messages, and a missing library hidden as a bad file."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.build import store
from pipeline.build.database import BuildError, build_database
from pipeline.parse.process import process_file
from tests.support.hostile import pdf_pages
from tests.support.paths import REPORTS, ROOT

# Adversarial inputs and recovery: run by `make test`, left out of the `make test-fast` inner loop.
pytestmark = pytest.mark.slow

BINARY = "文件不是可识别的文本（可能是二进制文件）"


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        capture_output=True,
        env=dict(os.environ, **env),
        cwd=ROOT,
        timeout=300,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "reports"
    shutil.copytree(REPORTS, out)
    return out


def test_symlinks_out_of_the_folder_and_fifos_are_listed_not_followed(folder, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("2024年全年收到行政复议案件12件。" * 20, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "other.txt").write_bytes((REPORTS / "haiyan_2024.txt").read_bytes())
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "secret.txt").symlink_to(secret)
    (folder / "elsewhere").symlink_to(outside)
    (folder / "inside.txt").symlink_to(folder / "haiyan_2024.txt")  # inside the folder: fine
    (folder / "gone.txt").symlink_to(folder / "nothing.txt")
    os.mkfifo(folder / "pipe.txt")
    s = build_database([folder], tmp_path / "f.duckdb", corrections=tmp_path / "c.csv", workers=1)
    failed = dict(s.failed)
    for name in ("passwd.txt", "secret.txt", "elsewhere"):
        assert failed[str(folder / name)] == "符号链接指向报告文件夹以外，未跟随，已跳过"
    assert failed[str(folder / "gone.txt")] == "符号链接指向的文件不存在，已跳过"
    assert failed[str(folder / "pipe.txt")] == "不是普通文件（管道、设备或套接字），已跳过"
    con = duckdb.connect(str(tmp_path / "f.duckdb"), read_only=True)
    ids = {r for (r,) in con.execute("SELECT report_id FROM reports").fetchall()}
    con.close()
    assert ids == {p.name for p in REPORTS.iterdir()}  # inside.txt is haiyan's file, built once


MAGIC = [
    b"\x89PNG\r\n\x1a\n\x00\x00",
    b"\xff\xd8\xff\xe0\x00\x10JFIF",
    b"\x7fELF\x02\x01\x01\x00\x00\x00",
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",
    b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03",
    bytes(range(10)),
]


@pytest.mark.parametrize("seed", range(20))
def test_short_binary_junk_is_refused_not_read_as_an_empty_report(tmp_path, seed):
    """Ten-byte file heads of common binary formats, and random bytes of 32 and 200. Measured: of 300
    random 10-byte files, 212 were read as a report before and 11 now (ten random bytes can be ten
    bytes of GBK); of 300 random 32-byte files, 4 before and none now."""
    rng = random.Random(seed)
    junk = [MAGIC[seed % len(MAGIC)]] + [bytes(rng.randrange(256) for _ in range(n)) for n in (32, 200)]
    for i, data in enumerate(junk):
        path = tmp_path / f"junk{i}.txt"
        path.write_bytes(data)
        r = process_file(path)
        assert not r.ok and r.error == BINARY, (data, r.error)


def test_a_short_real_text_in_gbk_still_reads(tmp_path):
    path = tmp_path / "short.txt"
    path.write_bytes("海盐县2024年全年收到行政复议案件12件，审结10件。".encode("gbk"))
    r = process_file(path)
    assert r.ok and r.indicators["reconsideration_received"].value == 12


def test_ingest_log_keeps_the_last_builds_only(folder, tmp_path, monkeypatch):
    monkeypatch.setattr(store, "LOG_RUNS_KEPT", 2)
    db = tmp_path / "f.duckdb"
    for _ in range(4):
        build_database([folder], db, corrections=tmp_path / "c.csv", workers=1)
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute("SELECT count(DISTINCT run_id), count(*) FROM ingest_log").fetchone()
    builds = con.execute("SELECT count(*) FROM builds").fetchone()[0]
    con.close()
    assert runs == (3, 15)  # this build and the two before it, five files each
    assert builds == 4  # one row per build, all kept


def test_names_in_gbk_bytes_and_with_control_characters_reach_json_and_terminal_safely(folder, tmp_path):
    gbk = os.fsdecode("社旗县报告.txt".encode("gbk"))
    shutil.copyfile(REPORTS / "sheqi_2024.txt", folder / gbk)
    evil = "bad\x1b[31m\nname.txt"
    (folder / evil).write_bytes(b"")
    proc = run(["extract", str(folder / gbk), str(folder / evil)])
    out = proc.stdout.decode("utf-8")  # strict: valid UTF-8
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["ok"] and rows[0]["source"].endswith("社旗县报告.txt")
    assert rows[1]["error"] == "文件是空的"
    err = proc.stderr.decode("utf-8")
    assert "\x1b" not in err and "bad\\x1b[31m\\x0aname.txt" in err
    proc = run(
        ["build", str(folder), "--db", str(tmp_path / "f.duckdb"), "--corrections", str(tmp_path / "c")]
    )
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 0 and "\x1b" not in err and "bad\\x1b[31m\\x0aname.txt：文件是空的" in err


def test_pypdf_messages_stay_off_the_terminal(tmp_path):
    data = pdf_pages(3000)[1]
    at = data.rindex(b"startxref\n") + len(b"startxref\n")
    broken = data[:at] + b"999" + data[at:].lstrip(b"0123456789")  # a wrong xref offset pypdf repairs
    path = tmp_path / "repaired.pdf"
    path.write_bytes(broken)
    proc = run(["extract", str(path)])
    err = proc.stderr.decode("utf-8")
    lines = [line for line in err.splitlines() if line.strip()]
    assert all(line.startswith(("已处理", "无法读取")) for line in lines), err
    assert "startxref" not in err and "pypdf" not in err


def test_a_missing_library_stops_with_its_name_not_as_a_bad_file(folder, tmp_path):
    shadow = tmp_path / "shadow" / "trafilatura"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise ImportError("simulated", name="trafilatura")\n')
    page = folder / "page.html"
    page.write_text("<html><body><p>2024年全年收到行政复议案件12件。</p></body></html>", encoding="utf-8")
    proc = run(["extract", str(page)], PYTHONPATH=str(shadow.parent))
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 1 and "缺少依赖包 trafilatura" in err and proc.stdout == b""
    db = tmp_path / "f.duckdb"
    build_database([REPORTS], db, corrections=tmp_path / "c.csv", workers=1)
    before = db.read_bytes()
    os.environ["PYTHONPATH"], old = str(shadow.parent), os.environ.get("PYTHONPATH")
    try:
        with pytest.raises(BuildError, match="缺少依赖包 trafilatura"):
            build_database([folder], db, corrections=tmp_path / "c.csv", workers=1)
    finally:
        os.environ.pop("PYTHONPATH") if old is None else os.environ.__setitem__("PYTHONPATH", old)
    assert db.read_bytes() == before
