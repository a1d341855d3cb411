"""Compare two built databases table by table, ignoring what differs between any two builds (times,
run ids, the parser fingerprint). `python -m tests.support.dbdiff OLD.duckdb NEW.duckdb` prints the
differences and exits 1 when there are any; tests call `differences()`."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

# Columns that differ between two builds of the same reports by design.
VOLATILE = {
    "ingested_at",
    "at",
    "run_id",
    "started_at",
    "finished_at",
    "seconds",
    "parser_version",
    "file_mtime",
}
SKIPPED_TABLES = {"builds", "ingest_log"}  # a build's own log: times and run ids only


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> tuple[list[str], list[tuple]]:
    cols = [c for (c,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table]).fetchall() if c not in VOLATILE]  # fmt: skip
    quoted = ", ".join(f'"{c}"' for c in cols)
    return cols, sorted(con.execute(f"SELECT {quoted} FROM {table}").fetchall(), key=repr)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    sql = "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
    return {t for (t,) in con.execute(sql).fetchall()}


def differences(old: Path, new: Path, limit: int = 5) -> list[str]:
    """Plain lines naming each table whose columns or rows differ (empty when the builds agree)."""
    a, b = duckdb.connect(str(old), read_only=True), duckdb.connect(str(new), read_only=True)
    try:
        out = [f"只在一边的表：{t}" for t in sorted(_tables(a) ^ _tables(b))]
        for t in sorted((_tables(a) & _tables(b)) - SKIPPED_TABLES):
            (ca, ra), (cb, rb) = _rows(a, t), _rows(b, t)
            if ca != cb:
                out.append(f"{t}：列不同 {ca} ≠ {cb}")
            elif ra != rb:
                only_a, only_b = set(ra) - set(rb), set(rb) - set(ra)
                out.append(
                    f"{t}：行不同（旧 {len(ra)} 行，新 {len(rb)} 行；只在旧库 {len(only_a)}，只在新库 {len(only_b)}）"
                )
                out += [f"  旧：{r!r}"[:300] for r in sorted(only_a, key=repr)[:limit]]
                out += [f"  新：{r!r}"[:300] for r in sorted(only_b, key=repr)[:limit]]
        return out
    finally:
        a.close()
        b.close()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("用法：python -m tests.support.dbdiff 旧.duckdb 新.duckdb", file=sys.stderr)
        return 2
    diff = differences(Path(argv[0]), Path(argv[1]))
    print("\n".join(diff) if diff else "两个数据库相同（时间戳、运行编号与解析器指纹除外）")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
