"""Manual corrections: written to the CSV, applied over extracted values on every build, never lost."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.build.corrections import (
    COLUMNS,
    CorrectionsError,
    add_correction,
    effective,
    read_corrections,
    withdraw_correction,
)
from pipeline.build.database import BuildError, build_database
from tests.support.paths import REPORTS

SAMPLES = REPORTS  # the repo's copies of ../shared/reports


@pytest.fixture
def csv_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "corrections.csv"


def build(folder: Path, csv_path: Path):
    return build_database([folder], folder.parent / "fazhi.duckdb", corrections=csv_path, workers=1)


def query(folder: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(folder.parent / "fazhi.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_add_correction_creates_the_file_with_a_header(csv_path: Path) -> None:
    add_correction(
        csv_path, "haiyan_2024.txt", "reconsideration_received", "170", "原文笔误，以司法局数据为准", "张三"
    )
    add_correction(csv_path, "haiyan_2024.txt", "year", "2023", "标题年份错", None)
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(COLUMNS) and len(lines) == 3
    fixes = read_corrections(csv_path)
    assert [(c.report_id, c.field, c.new_value, c.who, c.line) for c in fixes] == [
        ("haiyan_2024.txt", "reconsideration_received", "170", "张三", 2),
        ("haiyan_2024.txt", "year", "2023", None, 3),
    ]
    assert fixes[0].parsed_value() == 170 and fixes[1].parsed_value() == 2023


def test_add_correction_appends_after_a_hand_edit_without_final_newline(csv_path: Path) -> None:
    csv_path.parent.mkdir(parents=True)
    csv_path.write_text(
        ",".join(COLUMNS) + "\na.txt,title,新标题,手工,李四,2024-05-01 10:00:00", encoding="utf-8"
    )
    add_correction(csv_path, "b.txt", "litigation_loss_rate", "3.5%", "核对原文")
    fixes = read_corrections(csv_path)
    assert [(c.report_id, c.parsed_value()) for c in fixes] == [("a.txt", "新标题"), ("b.txt", 3.5)]


def test_reason_with_commas_and_quotes_round_trips(csv_path: Path) -> None:
    add_correction(csv_path, "a.txt", "title", "x", '原文写作"162件"，实为 170, 见附件')
    assert read_corrections(csv_path)[0].reason == '原文写作"162件"，实为 170, 见附件'


def test_empty_value_means_remove(csv_path: Path) -> None:
    add_correction(csv_path, "a.txt", "legal_aid_cases", "", "这是全市数字，不是本县")
    c = read_corrections(csv_path)[0]
    assert c.new_value is None and c.parsed_value() is None


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        pytest.param("no_such_key", "1", "未知字段", id="unknown-field"),
        pytest.param("litigation_loss_rate", "120", "0–100", id="rate-over-100"),
        pytest.param("reconsideration_received", "十二", "须为数字", id="count-not-a-number"),
        pytest.param("reconsideration_received", "1.5", "整数", id="count-with-fraction"),
        pytest.param("reconsideration_received", "-3", "合理范围", id="count-negative"),
        pytest.param("year", "二〇二四", "年份", id="year-in-chinese"),
        pytest.param("level", "city", "层级", id="unknown-level"),
    ],
)
def test_add_correction_refuses_bad_values(csv_path: Path, field: str, value: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        add_correction(csv_path, "a.txt", field, value, "原因")
    assert not csv_path.exists(), "nothing is written for a refused correction"


def test_add_correction_needs_a_reason(csv_path: Path) -> None:
    with pytest.raises(ValueError, match="原因"):
        add_correction(csv_path, "a.txt", "year", "2024", "  ")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        pytest.param("report_id,field\na,b\n", "第 1 行（表头）缺少列", id="bad-header"),
        pytest.param(
            ",".join(COLUMNS) + "\na.txt,year,2024,r,,2024-01-01\nb.txt,bogus,1,r,,2024-01-01\n",
            "第 3 行：未知字段",
            id="unknown-field-row-3",
        ),
        pytest.param(",".join(COLUMNS) + "\na.txt,year,2024,r,,昨天\n", "第 2 行：时间", id="bad-time"),
        pytest.param(
            ",".join(COLUMNS) + "\n,year,2024,r,,2024-01-01\n", "第 2 行：缺少 report_id", id="no-report"
        ),
        pytest.param(
            ",".join(COLUMNS) + "\na.txt,year,2024,,,2024-01-01\n", "第 2 行：缺少 reason", id="no-reason"
        ),
        pytest.param(
            ",".join(COLUMNS) + "\na.txt,year,2024,r,,2024-01-01,id1,,extra\n",
            "第 2 行：多出 1 列",
            id="extra-column",
        ),
    ],
)
def test_malformed_file_names_the_file_and_row(csv_path: Path, content: str, says: str) -> None:
    csv_path.parent.mkdir(parents=True)
    csv_path.write_text(content, encoding="utf-8")
    with pytest.raises(CorrectionsError) as e:
        read_corrections(csv_path)
    assert str(csv_path) in str(e.value) and says in str(e.value)


def test_excel_bom_is_accepted(csv_path: Path) -> None:
    csv_path.parent.mkdir(parents=True)
    csv_path.write_bytes(
        "\ufeff".encode() + (",".join(COLUMNS) + "\na.txt,year,2024,r,,2024-01-01\n").encode()
    )
    assert read_corrections(csv_path)[0].report_id == "a.txt"


def test_corrections_are_applied_and_survive_rebuilds(folder: Path, csv_path: Path) -> None:
    build(folder, csv_path)
    assert query(
        folder,
        "SELECT value FROM indicators WHERE report_id = 'haiyan_2024.txt' "
        "AND key = 'reconsideration_received'",
    ) == [(162.0,)]
    add_correction(csv_path, "haiyan_2024.txt", "reconsideration_received", "165", "年报更正", "王五")
    add_correction(csv_path, "haiyan_2024.txt", "reconsideration_received", "170", "再次核对")  # later wins
    add_correction(csv_path, "haiyan_2024.txt", "litigation_cases", None, "口径不同")
    add_correction(csv_path, "qiaotou_2024.txt", "county", "慈溪市", "补全上级")
    add_correction(csv_path, "gone_2020.txt", "year", "2020", "旧报告")
    s = build(folder, csv_path)
    assert s.parsed == 0, "a correction alone does not re-parse anything"
    assert [(c.report_id, c.line) for c in s.unmatched_corrections] == [("gone_2020.txt", 6)]
    assert "第 6 行：gone_2020.txt 的 year" in s.render()

    def check() -> None:
        assert query(
            folder,
            "SELECT value, origin, evidence, start FROM indicators "
            "WHERE report_id = 'haiyan_2024.txt' AND key = 'reconsideration_received'",
        ) == [(170.0, "corrected", "人工更正：再次核对", None)]
        assert query(
            folder,
            "SELECT count(*) FROM indicators WHERE report_id = 'haiyan_2024.txt' "
            "AND key = 'litigation_cases'",
        ) == [(0,)]
        assert query(folder, "SELECT county FROM reports WHERE report_id = 'qiaotou_2024.txt'") == [
            ("慈溪市",)
        ]
        assert query(folder, 'SELECT report_id, applied FROM corrections ORDER BY report_id, "at"')[0] == (
            "gone_2020.txt",
            False,
        )
        assert query(folder, "SELECT count(*) FROM corrections WHERE applied") == [(4,)]
        assert query(
            folder,
            "SELECT key, value FROM indicator_values WHERE report_id = 'haiyan_2024.txt' "
            "AND key IN ('reconsideration_received', 'litigation_cases')",
        ) == [("reconsideration_received", 170.0)]

    check()
    assert build(folder, csv_path).unchanged == 5
    check()
    # A changed file is parsed again; its correction is applied over the new extraction.
    f = folder / "haiyan_2024.txt"
    f.write_text(f.read_text(encoding="utf-8") + "\n附：本报告于年底更新。\n", encoding="utf-8")
    assert build(folder, csv_path).parsed == 1
    check()


def test_a_withdrawn_correction_stops_applying_and_stays_in_the_file(folder: Path, csv_path: Path) -> None:
    first = add_correction(csv_path, "haiyan_2024.txt", "reconsideration_received", "165", "年报更正", "王五")
    second = add_correction(csv_path, "haiyan_2024.txt", "reconsideration_received", "170", "再核", "李四")
    build(folder, csv_path)
    value = "SELECT value FROM indicators WHERE report_id = 'haiyan_2024.txt' AND key = 'reconsideration_received'"
    assert query(folder, value) == [(170.0,)]
    withdraw_correction(csv_path, second, "核对有误", "赵六")
    build(folder, csv_path)
    assert query(folder, value) == [(165.0,)], "the earlier correction holds again"
    withdraw_correction(csv_path, first, "以原文为准", "赵六")
    build(folder, csv_path)
    assert query(folder, value) == [(162.0,)], "back to the extracted figure"
    rows = read_corrections(csv_path)
    assert [(c.who, c.withdraws) for c in rows] == [
        ("王五", None),
        ("李四", None),
        ("赵六", second),
        ("赵六", first),
    ]
    assert effective(rows) == []
    with pytest.raises(ValueError, match="已经撤销"):
        withdraw_correction(csv_path, first, "再撤一次", "赵六")
    with pytest.raises(ValueError, match="撤销原因"):
        withdraw_correction(csv_path, first, " ", "赵六")


def test_a_level_is_taken_by_its_chinese_name_and_stored_as_its_key(csv_path: Path) -> None:
    add_correction(csv_path, "a.txt", "level", "县级", "核对")
    assert read_corrections(csv_path)[0].new_value == "county"
    with pytest.raises(ValueError) as e:
        add_correction(csv_path, "a.txt", "level", "county-ish", "核对")
    assert "县级" in str(e.value) and "prefecture" not in str(e.value)


def test_an_old_header_gets_the_new_columns_and_keeps_its_rows(csv_path: Path) -> None:
    csv_path.parent.mkdir(parents=True)
    csv_path.write_text("report_id,field,new_value,reason,who,at\na.txt,year,2024,r,甲,2024-01-01 00:00:00\n")
    ref = add_correction(csv_path, "a.txt", "year", "2023", "核对", "乙")
    withdraw_correction(csv_path, "line2", "旧行也能撤销", "丙")
    rows = read_corrections(csv_path)
    assert [(c.ref, c.new_value, c.who, c.withdraws) for c in rows] == [
        ("line2", "2024", "甲", None),
        (ref, "2023", "乙", None),
        (rows[2].id, None, "丙", "line2"),
    ]
    assert csv_path.read_text().splitlines()[0] == ",".join(COLUMNS)


def test_a_metadata_correction_can_settle_a_duplicate(folder: Path, csv_path: Path) -> None:
    shutil.copyfile(folder / "sheqi_2024.txt", folder / "sheqi_2023.txt")
    s = build(folder, csv_path)
    assert len(s.duplicates) == 1
    add_correction(csv_path, "sheqi_2023.txt", "year", "2023", "这是 2023 年的报告")
    s = build(folder, csv_path)
    assert s.duplicates == []
    assert query(
        folder, "SELECT report_id, year FROM current_reports WHERE jurisdiction = '社旗县' ORDER BY 1"
    ) == [("sheqi_2023.txt", 2023), ("sheqi_2024.txt", 2024)]


def test_malformed_corrections_stop_the_build(folder: Path, csv_path: Path) -> None:
    build(folder, csv_path)
    db = folder.parent / "fazhi.duckdb"
    before = db.read_bytes()
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    csv_path.write_text(
        ",".join(COLUMNS) + "\nhaiyan_2024.txt,litigation_loss_rate,abc,r,,2024-01-01\n", encoding="utf-8"
    )
    with pytest.raises(BuildError, match="第 2 行"):
        build(folder, csv_path)
    assert db.read_bytes() == before
