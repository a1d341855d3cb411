"""A damaged database (truncated; overwritten with garbage): the dashboard's db_status and the health
check say so in Chinese and say what to do; `build --full` and `make db` rebuild it from the reports,
keeping the damaged file aside (renamed, never deleted)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.build.database import build_database
from pipeline.build.health import damage, quick_damage
from tests.support.paths import REPORTS, ROOT

# Adversarial inputs and recovery: run by `make test`, left out of the `make test-fast` inner loop.
pytestmark = pytest.mark.slow


def truncate(db: Path) -> None:
    os.truncate(db, db.stat().st_size // 2)


def overwrite(db: Path) -> None:
    db.write_bytes(os.urandom(db.stat().st_size))


DAMAGE = {"truncated": truncate, "garbage": overwrite}


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "reports"
    shutil.copytree(REPORTS, folder)
    db = tmp_path / "db" / "fazhi.duckdb"
    build_database([folder], db, corrections=tmp_path / "c.csv", workers=1)
    assert damage(db) is None
    return folder, db


def reports_in(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM reports").fetchone()[0]
    finally:
        con.close()


def env_for(tmp_path: Path, folder: Path, db: Path) -> dict[str, str]:
    return dict(
        os.environ,
        FAZHI_DB=str(db),
        FAZHI_REPORTS=str(folder),
        FAZHI_CORRECTIONS=str(tmp_path / "c.csv"),
        PYTHONPATH=str(ROOT),
    )


def asides(db: Path) -> list[Path]:
    return sorted(p for p in db.parent.iterdir() if ".damaged-" in p.name)


@pytest.mark.parametrize("how", DAMAGE)
def test_the_dashboard_and_the_health_check_say_what_to_do(built, monkeypatch, how):
    from dashboard import data

    folder, db = built
    monkeypatch.setenv("FAZHI_DB", str(db))
    assert data.db_status()[0] == "ok"
    DAMAGE[how](db)
    state, message = data.db_status()
    assert state == "broken"
    assert "已损坏" in message and "make db" in message and "build --full" in message
    assert "不会删除" in message
    assert quick_damage(db) is not None and damage(db) is not None
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.build.health", str(db)], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 1 and "已损坏" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("how", DAMAGE)
def test_build_full_rebuilds_and_keeps_the_damaged_file_aside(built, tmp_path, how):
    folder, db = built
    DAMAGE[how](db)
    damaged = db.read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--full", "--db", str(db)],
        capture_output=True,
        text=True,
        env=env_for(tmp_path, folder, db),
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "旧数据库已损坏" in proc.stderr and "已改名保留为 fazhi.duckdb.damaged-" in proc.stderr
    [aside] = asides(db)
    assert aside.read_bytes() == damaged  # kept as it was, not deleted
    assert damage(db) is None and reports_in(db) == 5


def test_a_plain_build_recovers_too_and_a_second_damage_keeps_both(built, tmp_path):
    folder, db = built
    truncate(db)
    s = build_database([folder], db, corrections=tmp_path / "c.csv", workers=1)
    assert s.parsed == 5 and any("旧数据库已损坏" in n for n in s.notes)
    overwrite(db)
    s = build_database([folder], db, corrections=tmp_path / "c.csv", workers=1)
    assert s.parsed == 5 and reports_in(db) == 5
    assert len(asides(db)) == 2


def test_make_db_rebuilds_a_database_that_cannot_be_read(built, tmp_path):
    folder, db = built
    stamp = tmp_path / "installed"
    stamp.touch()  # newer than pyproject.toml: make installs nothing
    make = ["make", "-s", "-C", str(ROOT), "db", f"DB={db}", f"STAMP={stamp}", f"PY={sys.executable}"]
    env = env_for(tmp_path, folder, db)
    proc = subprocess.run(make, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0 and "数据库已是最新" in proc.stdout, proc.stdout + proc.stderr
    overwrite(db)
    proc = subprocess.run(make, capture_output=True, text=True, env=env, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "已损坏" in out and "从报告重建数据库" in out and "数据库已是最新" not in out
    assert damage(db) is None and reports_in(db) == 5 and len(asides(db)) == 1
    proc = subprocess.run(make, capture_output=True, text=True, env=env, timeout=300)
    assert "数据库已是最新" in proc.stdout
