"""Is the database file readable? A quick check (it opens, and it is as long as its header says) for
the dashboard, a thorough one (every row of every table read) for the build and `make db`.

    python -m pipeline.build.health [DB]    exit 0 readable, 1 damaged (the reason on stderr), 2 missing
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

import duckdb

HEADER = 3 * 4096  # DuckDB's file header and its two database headers come before the blocks
TABLES = (
    "reports",
    "extracted_meta",
    "extracted_indicators",
    "mentions",
    "indicators",
    "ingest_log",
    "builds",
)


def advice(path: Path) -> str:
    """What to do about a damaged database, in plain Chinese."""
    return (
        f"数据库文件 {path.name} 已损坏，无法读取。请运行 `make db`（或 `python -m pipeline build --full`）"
        "从报告文件夹重建；损坏的文件会改名保留在原处（.damaged-时间），不会删除。"
    )


def truncated(file_size: int, block_size: int, total_blocks: int) -> bool:
    """The file is shorter than the blocks its header counts (DuckDB opens it and fails only later)."""
    return file_size < HEADER + block_size * total_blocks


def quick_damage(path: Path) -> str | None:
    """Why the file cannot be used, from opening it and comparing its length with the blocks its
    header counts (a truncated file opens fine and fails only when a missing block is read)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as e:
        if "lock" in str(e).lower():
            return None  # opened for writing elsewhere: not damage
        return _first_line(e)
    try:
        row = con.execute("PRAGMA database_size").fetchone()
        block_size, total_blocks = int(row[2]), int(row[3])
        size = os.stat(path).st_size
        if truncated(size, block_size, total_blocks):
            return f"文件被截断（{size} 字节，应至少 {HEADER + block_size * total_blocks} 字节）"
    except (duckdb.Error, OSError, TypeError, ValueError) as e:
        return _first_line(e)
    finally:
        con.close()
    return None


def damage(path: Path) -> str | None:
    """quick_damage, then every row of the tables a build reads (a block overwritten with garbage
    fails its checksum only when it is read). None when the file is readable."""
    why = quick_damage(path)
    if why:
        return why
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as e:
        return None if "lock" in str(e).lower() else _first_line(e)
    try:
        present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        for table in TABLES:
            if table in present:
                con.execute(f"SELECT count(*), sum(hash(COLUMNS(*))) FROM {table}").fetchall()
    except duckdb.Error as e:
        return _first_line(e)
    finally:
        con.close()
    return None


def move_aside(path: Path) -> Path:
    """Rename a damaged database (and its WAL) to `<name>.damaged-<time>` beside it; never deleted."""
    aside = path.with_name(f"{path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}")
    n = 1
    while aside.exists():
        n += 1
        aside = aside.with_name(f"{path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}-{n}")
    os.rename(path, aside)
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        os.rename(wal, aside.with_name(aside.name + ".wal"))
    return aside


def _first_line(e: Exception) -> str:
    return (str(e).splitlines() or [type(e).__name__])[0][:200]


def main(argv: list[str]) -> int:
    from pipeline import config

    path = Path(argv[0]) if argv else config.db_path()
    if not path.exists():
        print(f"没有数据库文件：{path}", file=sys.stderr)
        return 2
    why = damage(path)
    if why:
        print(f"{advice(path)}（{why}）", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
