"""The batch build on the real sample reports into a real DuckDB file in a temp dir."""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.build.checks import run_checks
from pipeline.build.database import BuildError, add_build_arguments, build_command, build_database
from pipeline.parse.indicators import load_indicators
from tests.support.paths import REPORTS

SAMPLES = REPORTS  # the repo's copies of ../shared/reports
SAMPLE_IDS = sorted(p.name for p in SAMPLES.glob("*.txt"))
CONTENT_TABLES = (
    "reports",
    "extracted_meta",
    "extracted_indicators",
    "indicators",
    "mentions",
    "indicator_defs",
    "corrections",
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "out" / "fazhi.duckdb"


def build(folder: Path, db: Path, **kw):
    kw.setdefault("corrections", folder.parent / "corrections.csv")
    kw.setdefault("workers", 1)
    return build_database([folder], db, **kw)


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every content table, sorted, for comparing two builds."""
    return {t: sorted(query(db, f"SELECT * FROM {t}"), key=repr) for t in CONTENT_TABLES}


def file_hash(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_first_build_stores_every_sample(folder: Path, db: Path) -> None:
    s = build(folder, db)
    assert (s.files_seen, s.parsed, s.unchanged, s.failed, s.removed) == (5, 5, 0, [], [])
    assert query(db, "SELECT report_id FROM reports ORDER BY 1") == [(r,) for r in SAMPLE_IDS]
    assert s.indicators == query(db, "SELECT count(*) FROM indicators")[0][0] > 20
    assert query(
        db,
        "SELECT value FROM indicators WHERE report_id = 'haiyan_2024.txt' "
        "AND key = 'reconsideration_received'",
    ) == [(162.0,)]
    assert query(
        db, "SELECT jurisdiction, year, script FROM reports WHERE report_id = 'taicang_2024.txt'"
    ) == [("太仓市", 2024, "traditional")]
    assert query(db, "SELECT count(*) FROM mentions")[0][0] > 100
    assert query(db, "SELECT DISTINCT origin FROM indicators") == [("extracted",)]
    assert query(db, "SELECT count(*) FROM indicator_defs")[0][0] == len(load_indicators())
    assert query(db, "SELECT status, count(*) FROM ingest_log GROUP BY 1") == [("parsed", 5)]
    assert not list(db.parent.glob("*.tmp-*")), "no temporary file is left behind"
    con = duckdb.connect(str(db), read_only=True)
    assert run_checks(con) == []
    con.close()


def test_offsets_point_at_the_figure(folder: Path, db: Path) -> None:
    build(folder, db)
    rows = query(
        db,
        """SELECT i.value, substring(r.text, i.start + 1, i."end" - i.start)
                        FROM indicators i JOIN reports r USING (report_id) WHERE NOT i.derived""",
    )
    assert rows
    for value, figure in rows:
        assert any(ch.isdigit() or ch in "零〇一二两三四五六七八九十百千万亿" for ch in figure), (
            value,
            figure,
        )


def test_views_the_dashboard_reads(folder: Path, db: Path) -> None:
    build(folder, db)
    keys = [d.key for d in sorted(load_indicators(), key=lambda d: d.order)]
    con = duckdb.connect(str(db), read_only=True)
    places = dict(con.execute("SELECT report_id, place FROM places").fetchall())
    assert places["haiyan_2024.txt"] == "海盐县" and places["qiaotou_2024.txt"] == "桥头镇"
    assert len(places) == 5
    assert [
        k for (k,) in con.execute("SELECT key FROM indicator_defs ORDER BY sort_order").fetchall()
    ] == keys
    iv = con.execute(
        "SELECT * FROM indicator_values WHERE key = 'reconsideration_received' "
        "AND report_id = 'haiyan_2024.txt'"
    )
    row = dict(zip([c[0] for c in iv.description], iv.fetchone(), strict=True))
    assert row["name"] == "行政复议收案数" and row["unit"] == "件" and row["group_name"] == "行政复议"
    assert row["unit_as_written"] == "件" and row["origin"] == "extracted" and row["jurisdiction"] == "海盐县"
    assert con.execute("SELECT count(*) FROM current_reports").fetchone() == (5,)
    con.close()


def test_rebuild_unchanged_parses_nothing_and_gives_the_same_database(folder: Path, db: Path) -> None:
    build(folder, db)
    before = snapshot(db)
    s = build(folder, db)
    assert (s.parsed, s.unchanged, s.contents_parsed) == (0, 5, 0)
    assert snapshot(db) == before
    assert query(db, "SELECT status, count(*) FROM ingest_log GROUP BY 1 ORDER BY 1") == [
        ("parsed", 5),
        ("unchanged", 5),
    ], "the log keeps both runs"
    assert query(db, "SELECT count(*) FROM builds") == [(2,)]


def test_full_rebuild_parses_everything_again(folder: Path, db: Path) -> None:
    build(folder, db)
    s = build(folder, db, full=True)
    assert (s.parsed, s.unchanged) == (5, 0)


def test_changed_file_replaces_its_rows(folder: Path, db: Path) -> None:
    build(folder, db)
    f = folder / "haiyan_2024.txt"
    text = f.read_text(encoding="utf-8")
    assert "收到行政复议案件162件" in text
    f.write_text(text.replace("收到行政复议案件162件", "收到行政复议案件170件"), encoding="utf-8")
    s = build(folder, db)
    assert (s.parsed, s.unchanged) == (1, 4)
    assert query(db, "SELECT sha256 FROM reports WHERE report_id = 'haiyan_2024.txt'") == [(file_hash(f),)]
    assert query(
        db,
        "SELECT value FROM indicators WHERE report_id = 'haiyan_2024.txt' "
        "AND key = 'reconsideration_received'",
    ) == [(170.0,)]
    assert query(
        db,
        "SELECT count(*) FROM indicators WHERE report_id = 'haiyan_2024.txt' "
        "AND key = 'reconsideration_received'",
    ) == [(1,)]


def test_removed_file_takes_its_report_out(folder: Path, db: Path) -> None:
    build(folder, db)
    (folder / "sheqi_2024.txt").unlink()
    s = build(folder, db)
    assert s.removed == ["sheqi_2024.txt"] and s.files_seen == 4
    for table in ("reports", "indicators", "mentions", "extracted_indicators", "extracted_meta"):
        assert query(db, f"SELECT count(*) FROM {table} WHERE report_id = 'sheqi_2024.txt'") == [(0,)], table
    assert query(db, "SELECT count(*) FROM ingest_log WHERE status = 'removed'") == [(1,)]
    assert "sheqi_2024.txt" in s.render()


def test_duplicate_keeps_both_and_the_newer_is_current(folder: Path, db: Path) -> None:
    build(folder, db)
    old = folder / "haiyan_2024.txt"
    (folder / "重发").mkdir()
    new = folder / "重发" / "haiyan_2024.txt"
    shutil.copyfile(old, new)
    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_700_000_100, 1_700_000_100))
    s = build(folder, db)
    assert s.parsed == 0, "a copy of a stored file is reused, not parsed"
    assert s.duplicates == [("haiyan_2024.txt", "重发/haiyan_2024.txt", "海盐县", 2024)]
    assert query(
        db, "SELECT report_id, is_current, duplicate_of FROM reports WHERE jurisdiction = '海盐县' ORDER BY 1"
    ) == [("haiyan_2024.txt", False, "重发/haiyan_2024.txt"), ("重发/haiyan_2024.txt", True, None)]
    assert query(db, "SELECT count(*) FROM current_reports") == [(5,)]
    assert query(
        db,
        "SELECT count(*) FROM indicator_values WHERE jurisdiction = '海盐县' "
        "AND key = 'reconsideration_received'",
    ) == [(1,)]
    assert query(db, "SELECT report_id, duplicate_of FROM reports WHERE NOT is_current") == [
        ("haiyan_2024.txt", "重发/haiyan_2024.txt")
    ]
    log = query(db, "SELECT report_id, error FROM ingest_log WHERE status = 'duplicate'")
    assert len(log) == 1 and log[0][0] == "haiyan_2024.txt" and "重发/haiyan_2024.txt" in log[0][1]
    assert "以 重发/haiyan_2024.txt 为准" in s.render()


def test_duplicate_with_equal_times_is_decided_by_report_id(folder: Path, db: Path) -> None:
    shutil.copyfile(folder / "longquan_2023.txt", folder / "longquan_2023_b.txt")
    for p in folder.glob("longquan*"):
        os.utime(p, (1_700_000_000, 1_700_000_000))
    s = build(folder, db)
    assert s.contents_parsed == 5 and s.parsed == 6, "identical contents are parsed once"
    assert query(db, "SELECT report_id FROM reports WHERE jurisdiction = '龙泉市' AND is_current") == [
        ("longquan_2023_b.txt",)
    ]


def test_broken_files_fail_alone(folder: Path, db: Path) -> None:
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.docx").write_bytes(b"\x00\x01\x02 not a zip")
    (folder / "table.xlsx").write_bytes(b"PK\x03\x04")
    (folder / ".hidden.txt").write_text("ignored", encoding="utf-8")
    s = build(folder, db)
    failed = {Path(src).name: why for src, why in s.failed}
    assert set(failed) == {"empty.txt", "binary.docx", "table.xlsx"}
    assert failed["empty.txt"] == "文件是空的"
    assert "不支持的文件类型 .xlsx" in failed["table.xlsx"]
    assert (s.files_seen, s.parsed) == (8, 5)
    assert query(db, "SELECT count(*) FROM reports") == [(5,)]
    assert query(db, "SELECT source, error FROM ingest_log WHERE status = 'failed' ORDER BY 1") == sorted(
        (str(folder / n), w) for n, w in failed.items()
    )
    assert "empty.txt：文件是空的" in s.render()


def test_report_id_is_the_path_inside_the_folder(folder: Path, db: Path, tmp_path: Path) -> None:
    (folder / "2024").mkdir()
    shutil.move(folder / "qiaotou_2024.txt", folder / "2024" / "qiaotou_2024.txt")
    build(folder, db)
    assert query(db, "SELECT report_id, source FROM reports WHERE jurisdiction = '桥头镇'") == [
        ("2024/qiaotou_2024.txt", str(folder / "2024" / "qiaotou_2024.txt"))
    ]
    one = tmp_path / "single.duckdb"
    build_database([folder / "2024" / "qiaotou_2024.txt"], one, corrections=tmp_path / "none.csv")
    assert query(one, "SELECT report_id FROM reports") == [("qiaotou_2024.txt",)]


def test_failing_check_keeps_the_old_database_and_names_the_row(folder: Path, db: Path) -> None:
    build(folder, db)
    # Tamper with the stored extraction of an unchanged file: the next build reuses it as is.
    con = duckdb.connect(str(db))
    con.execute("""UPDATE extracted_indicators SET value = 150
                   WHERE report_id = 'haiyan_2024.txt' AND key = 'litigation_loss_rate'""")
    con.close()
    before = file_hash(db)
    with pytest.raises(BuildError) as e:
        build(folder, db)
    msg = str(e.value)
    assert "比率须在 0–100 之间" in msg and "haiyan_2024.txt" in msg and "litigation_loss_rate" in msg
    assert "旧数据库保持不变" in msg
    assert file_hash(db) == before
    assert not list(db.parent.glob("*.tmp-*"))


def test_checks_name_each_broken_rule(folder: Path, db: Path) -> None:
    build(folder, db)
    con = duckdb.connect(str(db))
    con.execute("""UPDATE indicators SET unit = '斤' WHERE report_id = 'longquan_2023.txt'
                   AND key = 'mediation_disputes'""")
    con.execute("""UPDATE indicators SET start = 999999, "end" = 1000000
                   WHERE report_id = 'taicang_2024.txt' AND key = 'reconsideration_received'""")
    con.execute("""UPDATE reports SET jurisdiction = '海盐县', province = '浙江省', city = '嘉兴市', county = '海盐县',
                   year = 2024 WHERE report_id = 'sheqi_2024.txt'""")
    failures = {f.check.name: f.message() for f in run_checks(con)}
    con.close()
    assert set(failures) == {"allowed_unit", "offsets_in_text", "one_current"}
    assert "longquan_2023.txt 指标 mediation_disputes：单位 斤" in failures["allowed_unit"]
    assert "taicang_2024.txt 指标 reconsideration_received" in failures["offsets_in_text"]
    assert "haiyan_2024.txt、sheqi_2024.txt" in failures["one_current"]


def test_places_of_one_name_in_two_cities_are_both_current(folder: Path, db: Path) -> None:
    """鼓楼区 of 南京 and 鼓楼区 of 福州 in one year are two places, not a re-issued report."""
    for name, city in (("nanjing", "南京市"), ("fuzhou", "福州市")):
        (folder / f"gulou_{name}.txt").write_text(
            f"{city}鼓楼区2024年法治政府建设年度报告\n全年受理行政复议案件8件。\n{city}鼓楼区人民政府\n2025年3月1日\n",
            encoding="utf-8",
        )
    s = build(folder, db)
    assert s.duplicates == []
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        """SELECT city, is_current FROM reports WHERE jurisdiction = '鼓楼区' ORDER BY city"""
    ).fetchall()
    con.close()
    assert rows == [("南京市", True), ("福州市", True)]


def test_unreadable_previous_database_is_rebuilt_from_scratch(folder: Path, db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a duckdb file")
    s = build(folder, db)
    assert s.parsed == 5 and any("重新解析" in n for n in s.notes)
    assert query(db, "SELECT count(*) FROM reports") == [(5,)]


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add_build_arguments(parser)
    return build_command(parser.parse_args(argv))


def test_command_prints_the_summary_and_exits_0(folder: Path, db: Path, capsys) -> None:
    (folder / "empty.txt").write_bytes(b"")
    rc = run_cli([str(folder), "--db", str(db), "--corrections", str(folder.parent / "c.csv")])
    err = capsys.readouterr().err
    assert rc == 0
    assert "文件 6 个：新解析 5，未变 0，失败 1" in err and "empty.txt：文件是空的" in err


def test_command_exit_codes(folder: Path, db: Path, capsys) -> None:
    assert run_cli([str(folder / "nope"), "--db", str(db)]) == 2
    assert "找不到" in capsys.readouterr().err
    bad = folder.parent / "bad.csv"
    bad.write_text("report_id,field\nx,y\n", encoding="utf-8")
    assert run_cli([str(folder), "--db", str(db), "--corrections", str(bad), "--quiet"]) == 1
    assert "构建失败" in capsys.readouterr().err and not db.exists()


def test_a_file_emptied_or_broken_keeps_its_good_earlier_version(folder: Path, db: Path) -> None:
    """Issue 15: an emptied or broken file no longer removes the report it gave; the summary says
    the earlier version was kept. A file that never gave a report just fails."""
    build(folder, db)
    before = query(db, "SELECT jurisdiction, year, text FROM reports WHERE report_id = 'sheqi_2024.txt'")
    (folder / "sheqi_2024.txt").write_bytes(b"")
    (folder / "haiyan_2024.txt").write_bytes(b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09")
    (folder / "new_junk.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    s = build(folder, db)
    sheqi, haiyan = str(folder / "sheqi_2024.txt"), str(folder / "haiyan_2024.txt")
    assert sorted(s.kept) == [
        (haiyan, "文件不是可识别的文本（可能是二进制文件）"),
        (sheqi, "文件是空的"),
    ]
    assert s.failed == [(str(folder / "new_junk.txt"), "文件不是可识别的文本（可能是二进制文件）")]
    assert s.removed == []
    text = s.render()
    assert (
        "失败 3（其中保留旧版 2）" in text
        and f"{sheqi}：文件是空的" in text
        and "保留了上次构建时的版本" in text
    )
    assert (
        query(db, "SELECT jurisdiction, year, text FROM reports WHERE report_id = 'sheqi_2024.txt'") == before
    )
    assert query(db, "SELECT count(*) FROM reports") == [(5,)]
    assert query(db, "SELECT count(*) FROM indicators WHERE report_id = 'haiyan_2024.txt'")[0][0] > 5
    logged = query(db, "SELECT error FROM ingest_log WHERE source = ? AND run_id = ?", [sheqi, s.run_id])
    assert logged == [("文件是空的；保留了上次构建时的版本",)]


def test_summary_caps_long_lists() -> None:
    from pipeline.build.database import BuildSummary

    s = BuildSummary(files_seen=30, duplicates=[(f"a{i}.txt", "b.txt", "海盐县", 2024) for i in range(25)])
    text = s.render()
    assert "a19.txt" in text and "a20.txt" not in text and "另有 5 条" in text
