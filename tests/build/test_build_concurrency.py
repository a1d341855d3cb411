"""Atomic swaps: a killed build, two builds at once, and a reader that never sees a broken database."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipeline.build.database import BuildError, build_database
from pipeline.config import ROOT
from tests.support.build import build_cmd, file_sha
from tests.support.paths import REPORTS

SAMPLES = REPORTS  # the repo's copies of ../shared/reports
pytestmark = pytest.mark.slow

READER = r"""
import json, sys, time, pathlib
import duckdb
db, stop = sys argv_placeholder
reads, errors, counts = 0, [], set()
while not pathlib.Path(stop).exists():
    try:
        con = duckdb.connect(db, read_only=True)
        n = con.execute("SELECT count(*) FROM current_reports").fetchone()[0]
        con.execute("SELECT count(*) FROM indicator_values").fetchone()
        con.execute("SELECT * FROM places").fetchall()
        con.close()
        counts.add(n)
        reads += 1
    except Exception as e:
        errors.append(f"{type(e).__name__}: {e}")
    time.sleep(0.005)
print(json.dumps({"reads": reads, "errors": errors[:5], "n_errors": len(errors), "counts": sorted(counts)}))
""".replace("sys argv_placeholder", "sys.argv[1], sys.argv[2]")


def make_folder(d: Path, extra: int = 0) -> Path:
    """The five samples plus `extra` distinct variants (each really has to be parsed)."""
    d.mkdir(parents=True)
    samples = sorted(SAMPLES.glob("*.txt"))
    for p in samples:
        shutil.copyfile(p, d / p.name)
    for i in range(extra):
        src = samples[i % len(samples)]
        (d / f"variant_{i:04d}.txt").write_text(
            src.read_text(encoding="utf-8") + f"\n附注：第 {i} 份副本。\n", encoding="utf-8"
        )
    return d


def count_reports(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM reports").fetchone()[0]
    finally:
        con.close()


def test_killed_build_leaves_the_old_database_intact(tmp_path: Path) -> None:
    db = tmp_path / "fazhi.duckdb"
    small = make_folder(tmp_path / "small")
    build_database([small], db, corrections=tmp_path / "c.csv", workers=1)
    before = file_sha(db)
    big = make_folder(tmp_path / "big", extra=400)
    proc = subprocess.Popen(build_cmd(big, db, "--workers", "1"), cwd=ROOT, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("fazhi.duckdb.tmp-*")):
        assert proc.poll() is None, "the build finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.5)  # well into parsing and writing
    assert proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert list(tmp_path.glob("fazhi.duckdb.tmp-*")), "the half-written file is left, not swapped in"
    assert file_sha(db) == before
    assert count_reports(db) == 5
    s = build_database([big], db, corrections=tmp_path / "c.csv")
    assert (s.parsed, s.unchanged, s.failed) == (400, 5, [])
    assert count_reports(db) == 405
    assert not list(tmp_path.glob("fazhi.duckdb.tmp-*")), "the stale file of the killed build is cleaned up"


def test_reader_sees_no_errors_while_two_builds_run(tmp_path: Path) -> None:
    db = tmp_path / "fazhi.duckdb"
    small = make_folder(tmp_path / "small")
    big = make_folder(tmp_path / "big", extra=150)
    build_database([small], db, corrections=tmp_path / "c.csv", workers=1)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), str(stop)], stdout=subprocess.PIPE, text=True
    )
    time.sleep(0.5)
    builds = [
        subprocess.Popen(build_cmd(big, db), cwd=ROOT, stderr=subprocess.PIPE, text=True),
        subprocess.Popen(build_cmd(small, db), cwd=ROOT, stderr=subprocess.PIPE, text=True),
    ]
    outcomes = [(b.wait(timeout=300), b.stderr.read()) for b in builds]
    time.sleep(0.5)
    stop.touch()
    out = json.loads(reader.communicate(timeout=60)[0])
    assert [rc for rc, _ in outcomes] == [0, 0], outcomes
    assert out["n_errors"] == 0, out["errors"]
    assert out["reads"] > 20
    assert set(out["counts"]) <= {5, 155} and 5 in out["counts"]
    assert count_reports(db) in (5, 155)
    assert not list(tmp_path.glob("fazhi.duckdb.tmp-*"))


def test_second_build_waits_for_the_lock_then_gives_up(tmp_path: Path) -> None:
    db = tmp_path / "fazhi.duckdb"
    small = make_folder(tmp_path / "small")
    build_database([small], db, corrections=tmp_path / "c.csv", workers=1)
    before = file_sha(db)
    with open(tmp_path / "fazhi.duckdb.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        t0 = time.monotonic()
        with pytest.raises(BuildError, match="另一个构建正在写"):
            build_database([small], db, corrections=tmp_path / "c.csv", lock_timeout=0.5)
        assert time.monotonic() - t0 >= 0.5
        rc = subprocess.run(build_cmd(small, db, "--wait", "0.3"), cwd=ROOT, capture_output=True, text=True)
        assert rc.returncode == 1 and "另一个构建正在写" in rc.stderr
    assert file_sha(db) == before
    assert build_database([small], db, corrections=tmp_path / "c.csv").unchanged == 5


def test_parallel_parse_gives_the_same_rows_as_serial(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "f", extra=30)
    serial, parallel = tmp_path / "serial.duckdb", tmp_path / "parallel.duckdb"
    build_database([folder], serial, corrections=tmp_path / "c.csv", workers=1)
    s = build_database([folder], parallel, corrections=tmp_path / "c.csv", workers=2, full=True)
    assert s.parsed == 35

    def rows(db: Path) -> list[tuple]:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return con.execute("""SELECT report_id, key, value, start, "end" FROM indicators
                                  UNION ALL SELECT report_id, 'm' || seq, value, start, "end" FROM mentions
                                  ORDER BY ALL""").fetchall()
        finally:
            con.close()

    assert rows(serial) == rows(parallel)


def test_progress_bar_on_stderr(tmp_path: Path, capsys) -> None:
    folder = make_folder(tmp_path / "f")
    build_database([folder], tmp_path / "p.duckdb", corrections=tmp_path / "c.csv", progress=True)
    err = capsys.readouterr().err
    assert "解析报告" in err and "5/5" in err


def test_files_of_a_dead_build_are_cleaned_up(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "f")
    stale = tmp_path / f"fazhi.duckdb.tmp-{os.getpid() + 100000}"
    stale.write_bytes(b"half a database")
    spill = tmp_path / f"{stale.name}.tmp"  # DuckDB's spill folder of that build
    spill.mkdir()
    (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"x")
    build_database([folder], tmp_path / "fazhi.duckdb", corrections=tmp_path / "c.csv")
    assert not stale.exists() and not spill.exists()


def test_database_held_for_writing_elsewhere_stops_the_build(tmp_path: Path) -> None:
    db = tmp_path / "fazhi.duckdb"
    folder = make_folder(tmp_path / "f")
    build_database([folder], db, corrections=tmp_path / "c.csv")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
            "print('open', flush=True); sys.stdin.read()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(BuildError, match="正被另一个程序以写入方式打开"):
            build_database([folder], db, corrections=tmp_path / "c.csv")
    finally:
        holder.communicate("")
    assert count_reports(db) == 5
