"""Pure dashboard functions on small DataFrames: number labels, ranks, composite scores, coverage,
exports (CSV BOM, XLSX, formula neutralising), charts, safe text, uploads; plus the data module
against a real database that is swapped underneath it."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from dashboard import charts, export, importing, ranking, textview
from dashboard.fmt import MISSING, format_value
from tests.support.sample_db import EARLIER, build_sample_db, earlier_haiyan, sample_dir

# ───────────────────────────── labels ─────────────────────────────


@pytest.mark.parametrize(
    ("value", "qualifier", "kind", "label"),
    [
        (20000, "over", "count", "20,000+"),
        (98, "approx", "count", "≈98"),
        (98, "under", "count", "<98"),
        (162, "exact", "count", "162"),
        (1234.5, "exact", "count", "1,234.5"),
        (56.95, "exact", "rate", "56.95%"),
        (100, "exact", "rate", "100%"),
        (0, "exact", "rate", "0%"),
        (0, "exact", "count", "0"),
        (42900, "exact", "money", "42,900"),
        (None, "exact", "count", MISSING),
        (float("nan"), "over", "rate", MISSING),
    ],
    ids=[
        "over",
        "approx",
        "under",
        "exact",
        "decimal-count",
        "rate",
        "rate-100",
        "rate-zero-is-not-missing",
        "count-zero-is-not-missing",
        "money-thousands",
        "none-is-missing",
        "nan-is-missing",
    ],
)
def test_format_value_keeps_qualifier_and_never_turns_missing_into_zero(value, qualifier, kind, label):
    assert format_value(value, qualifier, kind) == label


# ───────────────────────────── ranks ─────────────────────────────


def _values(
    rows: list[tuple], key: str = "k", direction: str = "higher", kind: str = "count"
) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "place": p,
                "key": key,
                "value": v,
                "qualifier": q,
                "direction": direction,
                "kind": kind,
                "unit": "件",
                "derived": False,
                "evidence": f"{p}证据",
            }
            for p, v, q in rows
        ]
    )


@pytest.mark.parametrize(
    ("values", "direction", "ranks"),
    [
        ([10, 8, 8, 5], "higher", [1, 2, 2, 4]),
        ([0, 5.41, 5.41, 2], "lower", [1, 3, 3, 2]),
        ([3, None, 3], "higher", [1, None, 1]),
    ],
    ids=["higher-ties-skip", "lower-ranks-small-first", "missing-unranked"],
)
def test_competition_rank(values, direction, ranks):
    got = ranking.competition_rank(pd.Series(values, dtype="float64"), direction)
    assert [None if pd.isna(r) else int(r) for r in got] == ranks


def test_peer_medians_one_value_per_place():
    values = pd.concat(
        [
            _values([("甲", 1.0, "exact"), ("乙", 3.0, "exact"), ("丙", 10.0, "exact")]),
            _values([("甲", 4.0, "exact")], key="x"),
        ]
    )
    med = ranking.peer_medians(values)
    assert med["k"] == 3.0 and med["x"] == 4.0


def small_report(title: str, signer: str, received: int) -> bytes:
    return f"{title}\n全年受理行政复议案件{received}件。\n{signer}\n2025年3月1日\n".encode()


def test_place_labels_tell_same_named_places_apart(tmp_path, monkeypatch):
    """鼓楼区 of 南京 and of 福州, 城关镇 of two counties of one city: one label never mixes two places."""
    from dashboard import data
    from pipeline.build.database import build_database

    folder = tmp_path / "reports"
    folder.mkdir()
    for name, title, signer in (
        ("gulou_nj.txt", "南京市鼓楼区2024年法治政府建设年度报告", "南京市鼓楼区人民政府"),
        ("gulou_fz.txt", "福州市鼓楼区2024年法治政府建设年度报告", "福州市鼓楼区人民政府"),
        ("cg_sq.txt", "社旗县城关镇2024年法治政府建设年度报告", "社旗县城关镇人民政府"),
        ("cg_xx.txt", "西峡县城关镇2024年法治政府建设年度报告", "西峡县城关镇人民政府"),
        ("haiyan.txt", "海盐县2024年法治政府建设年度报告", "海盐县人民政府"),
    ):
        (folder / name).write_bytes(small_report(title, signer, 8))
    build_database([folder], tmp_path / "fazhi.duckdb", corrections=tmp_path / "c.csv")
    monkeypatch.setenv("FAZHI_DB", str(tmp_path / "fazhi.duckdb"))
    assert sorted(data.load_reports()["place"]) == sorted(
        ["鼓楼区（南京市）", "鼓楼区（福州市）", "城关镇（南阳市社旗县）", "城关镇（南阳市西峡县）", "海盐县"]
    )
    assert data.load_values(year=2024)["place"].nunique() == 5


def test_coverage_matrix_and_summary_mark_missing_as_no_data(sample_db, monkeypatch):  # noqa: F811
    from dashboard import data

    monkeypatch.setenv("FAZHI_DB", str(sample_db.db))
    m = data.load_coverage_matrix(2024).set_index("地区")
    assert list(m.columns[:2]) == ["年度", "行政复议收案数"]
    assert m.loc["海盐县", "行政复议收案数"] == "有" and m.loc["桥头镇", "行政复议收案数"] == MISSING
    s = data.load_coverage_summary(2024).set_index("指标")
    assert s.loc["行政复议收案数", "报告总数"] == 4
    assert s.loc["行政复议收案数", "有数据的报告"] == (m["行政复议收案数"] == "有").sum()
    assert s.loc["行政复议收案数", "覆盖率"] == f"{s.loc['行政复议收案数', '有数据的报告'] / 4:.0%}"


@pytest.mark.parametrize(
    ("counts", "places", "label"),
    [
        ({"浙江省": 3, "江苏省": 2}, 5, "2024年全部县级地区"),
        ({"浙江省": 30, "江苏省": 20}, 30, "2024年浙江省全部县级地区"),
    ],
    ids=["small-group-whole-level", "large-group-largest-province"],
)
def test_default_places_cap_a_huge_peer_group(counts, places, label):
    from dashboard.ui import default_places

    rows = [
        {"place": f"{p}{n}县", "province": p, "level": "county", "year": 2024}
        for p, k in counts.items()
        for n in range(k)
    ]
    rows.append({"place": "某镇", "province": "浙江省", "level": "township", "year": 2024})
    got, name = default_places(pd.DataFrame(rows), "county", 2024, cap=40)
    assert (len(got), name) == (places, label)


# ───────────────────────────── export ─────────────────────────────


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx", "＝1+1", "＋1", "－1", "＠x"],
    ids=["equals", "plus", "minus", "at", "tab", "cr", "fw-equals", "fw-plus", "fw-minus", "fw-at"],
)
def test_neutralise_cell_prefixes_formula_text(text):
    assert export.neutralise_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [-2, -0.5, 12, "海盐县", "1-2月", None],
    ids=["neg-int", "neg-float", "int", "text", "dash-inside", "none"],
)
def test_neutralise_cell_leaves_numbers_and_harmless_text(value):
    assert export.neutralise_cell(value) == value


def _hostile_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"地区": ["海盐县", '=HYPERLINK("http://x")', "＋cmd"], "数值": [162.0, -3.0, 20000.0]}
    )


def test_csv_has_bom_header_rows_and_neutralised_text():
    data = export.to_csv_bytes(_hostile_frame())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(rows.columns) == ["地区", "数值"]
    assert rows["地区"].to_list() == ["海盐县", '\'=HYPERLINK("http://x")', "'＋cmd"]
    assert rows["数值"].to_list() == [162.0, -3.0, 20000.0]


def test_xlsx_keeps_numbers_numeric_and_formulas_as_text():
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(_hostile_frame(), "行政复议")))
    ws = book.active
    assert ws.title == "行政复议"
    cells = list(ws.iter_rows(min_row=2, values_only=False))
    assert [c[0].value for c in cells] == ["海盐县", '=HYPERLINK("http://x")', "＋cmd"]  # no apostrophe
    assert all(c[0].data_type == "s" for c in cells)  # never "f" (formula)
    assert [c[0].quotePrefix for c in cells] == [False, True, True]  # Excel's text marker, not shown
    assert [c[1].value for c in cells] == [162, -3, 20000]
    assert all(c[1].data_type == "n" for c in cells)


@pytest.mark.parametrize(
    ("parts", "name"),
    [
        (["行政复议纠错率", 2024, "浙江省"], "法治对标_行政复议纠错率_2024_浙江省.csv"),
        (["全部指标", "全部年度", None, ""], "法治对标_全部指标_全部年度.csv"),
        (["a/b:c*?", 2024], "法治对标_abc_2024.csv"),
    ],
    ids=["issue-example", "empty-parts-dropped", "unsafe-chars-dropped"],
)
def test_export_filename(parts, name):
    assert export.export_filename(parts, "csv") == name


# ───────────────────────────── charts ─────────────────────────────


def test_chart_config_exports_png_at_scale_two_with_name():
    opts = charts.chart_config("法治对标_败诉率_2024")["toImageButtonOptions"]
    assert opts == {"format": "png", "scale": 2, "filename": "法治对标_败诉率_2024"}


# ───────────────────────────── safe text ─────────────────────────────

HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(2)> **粗** :red[红] $x$ [链接](javascript:x)"


def test_escape_markdown_disarms_every_markup_character():
    out = textview.escape_markdown(HOSTILE + "\n    缩进\n# 标题")
    for ch in "<>*[]():$#":
        assert all(out[i - 1] == "\\" for i, c in enumerate(out) if c == ch), ch
    assert "  \n缩进  \n\\# 标题" in out  # line breaks kept, indentation (code block) dropped


def test_highlight_marks_exactly_the_figure():
    text = HOSTILE + "收到行政复议案件162件。"
    start = text.index("162")
    out = textview.highlight_markdown(text, start, start + 3)
    assert out.count(":orange-background[") == 1
    assert out.endswith(":orange-background[【162】]件。")
    assert textview.highlight_markdown(text, 5, 999) == textview.escape_markdown(text)  # bad offsets: no mark
    assert textview.context_window(text, start, start + 3, width=4) == "…复议案件【162】件。…"


# ───────────────────────────── uploads and profile ─────────────────────────────


@pytest.mark.parametrize(
    ("name", "size", "expect"),
    [
        ("a.txt", 10, None),
        ("a.PDF", 10, None),
        ("big.pdf", 60 * 1024 * 1024, "超过 50 MB"),
        ("a.exe", 10, "不支持的文件类型"),
        ("empty.txt", 0, "文件是空的"),
    ],
    ids=["txt", "upper-case-ext", "too-large", "wrong-type", "empty"],
)
def test_check_upload(name, size, expect):
    got = importing.check_upload(name, size, 50 * 1024 * 1024)
    assert got is None if expect is None else expect in got


def test_target_name_strips_paths_and_never_reuses_a_name(tmp_path):
    assert importing.safe_filename("../../etc/pass:wd.txt") == "pass_wd.txt"
    (tmp_path / "r.txt").write_bytes(b"old")
    assert importing.target_name("r.txt", tmp_path) == "r (2).txt"
    assert importing.target_name("r.txt", tmp_path, {"r (2).txt"}) == "r (3).txt"
    assert importing.target_name("new.txt", tmp_path) == "new.txt"


# ───────────────────────────── data module on a real database ─────────────────────────────


def test_data_queries_use_parameters_and_follow_a_swapped_database(tmp_path, monkeypatch):
    from dashboard import data
    from pipeline.build.database import build_database

    db = build_sample_db(tmp_path)
    monkeypatch.setenv("FAZHI_DB", str(db.db))
    assert data.db_status()[0] == "ok"
    assert set(data.load_reports()["place"]) == {"海盐县", "龙泉市", "桥头镇", "社旗县", "太仓市"}
    v = data.load_values(year=2024, keys=["reconsideration_received"])
    assert dict(zip(v["place"], v["value"], strict=True)) == {"海盐县": 162, "太仓市": 325, "社旗县": 86}
    assert not data.search_mentions("海盐").empty
    assert data.search_mentions("海_县").empty and data.search_mentions("%盐%").empty  # literal, not LIKE
    assert data.search_mentions("' OR 1=1 --").empty
    assert data.load_values(year=2023, keys=["reconsideration_received"]).empty
    (db.reports / EARLIER).write_bytes(earlier_haiyan())
    build_database([db.reports], db.db, corrections=db.corrections)  # os.replace swaps a new file in
    v = data.load_values(year=2023, keys=["reconsideration_received"])
    assert dict(zip(v["place"], v["value"], strict=True)) == {"海盐县": 150}
    monkeypatch.setenv("FAZHI_DB", str(tmp_path / "none.duckdb"))
    assert data.db_status()[0] == "missing"


def test_upload_is_previewed_then_built_into_the_database(tmp_path, monkeypatch):
    import duckdb

    db = build_sample_db(tmp_path / "db")
    for k, v in db.env().items():
        monkeypatch.setenv(k, v)
    (db.reports / "taicang_2024.txt").unlink()
    data = (sample_dir() / "taicang_2024.txt").read_bytes()
    assert importing.same_report(data, db.reports) is None
    name = importing.target_name("上传/taicang_2024.txt", db.reports)
    path = importing.stage_upload(name, data, tmp_path)
    result = importing.parse_upload(path, timeout=60)  # in its own process
    meta, values = importing.preview_tables(result)
    assert dict(zip(meta["字段"], meta["识别结果"], strict=True))["地区名称"] == "太仓市"
    assert values.set_index("指标").loc["行政复议收案数", "数值"] == "325"
    assert "指标代码" not in values.columns  # no English keys on screen
    assert importing.correction_fields(["reconsideration_received"])["year"] == "年度"
    bad = importing.parse_upload(
        importing.stage_upload("scan.pdf", b"%PDF-1.4 nothing", tmp_path), timeout=60
    )
    assert not bad.ok and bad.error
    fix = [(name, "reconsideration_received", "330", "核对原文")]
    final, build = importing.add_and_build({path: data}, {name: "taicang_2024.txt"}, fix, "王敏")
    assert build.code == 0 and final == {name: name}, build.err
    with duckdb.connect(":memory:") as con:
        con.execute(f"ATTACH '{db.db}' AS f (READ_ONLY)")
        rows = con.execute(
            "SELECT jurisdiction FROM f.current_reports WHERE report_id = ?", [name]
        ).fetchall()
        value = con.execute(
            "SELECT value FROM f.indicator_values WHERE report_id = ? AND key = 'reconsideration_received'",
            [name],
        ).fetchone()
    assert rows == [("太仓市",)] and value == (330,)
    assert importing.same_report(data, db.reports) == name  # the same bytes again: that report
    changes = importing.recent_changes()
    assert sorted(changes["操作"]) == ["上传", "更正"]
    assert set(changes["操作人"]) == {"王敏"} and set(changes["报告"]) == {name}
    ref = importing.correction_history(name)["ref"].iloc[0]
    importing.withdraw_correction(ref, "核对后以原文为准", "李华")
    history = importing.correction_history(name)
    assert list(history["状态"]) == ["撤销记录", history["状态"].iloc[1]]
    assert history["状态"].iloc[1].startswith("已撤销") and history["更正人"].iloc[0] == "李华"
    changes = importing.recent_changes()
    assert sorted(changes["操作"]) == ["上传", "撤销更正", "更正"]  # the withdrawal is on 总览 too
    importing.rebuild()  # the killable build process: the withdrawn value is gone
    with duckdb.connect(":memory:") as con:
        con.execute(f"ATTACH '{db.db}' AS f (READ_ONLY)")
        value = con.execute(
            "SELECT value, origin FROM f.indicator_values WHERE report_id = ? AND key = 'reconsideration_received'",
            [name],
        ).fetchone()
    assert value == (325, "extracted")


def test_level_names_shown_are_the_ones_corrections_accept():
    """One set of Chinese level names: what the dashboard shows is what a correction may say."""
    from dashboard.fmt import LEVEL_NAMES
    from pipeline.build.corrections import LEVEL_LABELS

    assert LEVEL_NAMES == LEVEL_LABELS
