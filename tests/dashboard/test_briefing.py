"""生成简报 end to end: a real database built from test reports (tests/support/briefing_group.py) and
the sample reports, the briefing written by the real code, read back with python-docx and compared
with the database; the command's exit codes and Chinese messages."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from docx import Document
from docx.oxml.ns import qn

from dashboard.briefing import BriefingError, GroupSpec, make_briefing
from dashboard.briefing.gather import connect
from dashboard.fmt import MISSING, format_value
from tests.support.briefing_group import CORRECTION, build_briefing_db

ROOT = Path(__file__).resolve().parents[2]
TITLE = "2024年度南阳市各县（市、区）法治政府建设主要指标对比"


@pytest.fixture(scope="module")
def group_db(tmp_path_factory):
    return build_briefing_db(tmp_path_factory.mktemp("briefing"))


@pytest.fixture(scope="module")
def briefing(group_db):
    data = make_briefing(
        connect(str(group_db.db)), GroupSpec(2024, "county", city="南阳市"), date(2025, 2, 1)
    )
    return Document(io.BytesIO(data))


def db_values(db: Path, year: int) -> dict[tuple[str, str], str]:
    """(jurisdiction, indicator name) → the label the database's figure should read as."""
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT jurisdiction, name, value, qualifier, kind FROM indicator_values WHERE year = ? AND level = 'county'",
        [year],
    ).fetchall()
    con.close()
    return {(j, n): format_value(v, q, k) for j, n, v, q, k in rows}


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def rank_tables(doc):
    """The tables headed 地区 | indicator…(the corrections table is headed 地区 | 项目)."""
    return [t for t in doc.tables if t.rows[0].cells[0].text == "地区" and t.rows[0].cells[1].text != "项目"]


def test_title_scope_and_date(briefing):
    assert briefing.paragraphs[0].text == TITLE and briefing.paragraphs[0].style.name == "Title"
    body = "\n".join(texts(briefing))
    assert "共4个地区的2024年度报告已载入：唐河县、方城县、西峡县、镇平县" in body
    assert "内乡县（最近为2023年度）" in body  # the place whose report for the year is missing
    assert "2025年2月1日" in body


def test_one_picture_and_one_rank_table_per_indicator_group(briefing):
    groups = [t for t in texts(briefing) if t.startswith("（") and "）" in t[:4]]
    shown = [g for g in groups if g[3:] in ("行政复议", "行政诉讼", "依法决策")]
    assert len(shown) == 3
    assert len(briefing.inline_shapes) == 3
    assert len(rank_tables(briefing)) == 3
    for shape in briefing.inline_shapes:  # a real PNG inside
        blob = briefing.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        assert blob[:8] == b"\x89PNG\r\n\x1a\n" and len(blob) > 20_000


def test_numbers_in_rank_tables_equal_the_database(group_db, briefing):
    want = db_values(group_db.db, 2024)
    checked = 0
    for table in rank_tables(briefing):
        names = [c.text.split("\n")[0] for c in table.rows[0].cells]
        for row in table.rows[1:]:
            place = row.cells[0].text
            for name, cell in zip(names[1:], row.cells[1:], strict=True):
                first = cell.text.split("\n")[0]
                assert first == want.get((place, name), MISSING), (place, name)
                checked += 1
    assert checked >= 30
    assert want[("西峡县", "行政复议收案数")] == CORRECTION[2]  # the corrected figure is the one shown


def test_ranks_are_rank_over_reporting_places(briefing):
    table = rank_tables(briefing)[1]  # 行政诉讼: 一审案件数 (lower is better), 败诉率, 出庭应诉率
    header = [c.text.split("\n")[0] for c in table.rows[0].cells]
    col = header.index("行政诉讼败诉率")
    cells = {r.cells[0].text: r.cells[col].text.split("\n") for r in table.rows[1:]}
    assert cells["方城县"][:2] == ["2.1%", "1/3"]  # lower is better: the smallest first
    assert cells["镇平县"][:2] == ["7.8%", "3/3"]
    assert cells["西峡县"] == [MISSING]


def test_sentences_state_the_facts(briefing):
    body = "\n".join(texts(briefing))
    assert (
        "行政诉讼败诉率：对比组4个地区中3个报告了该项数字，最高为镇平县（7.8%），最低为方城县（2.1%），"
        "中位数为4.5%；西峡县无数据；南阳市为5.3%。"
    ) in body
    assert "最高为方城县（200余件）" in body  # the qualifier as written
    for word_ in ("较好", "落后", "突出", "优秀", "较差"):
        assert word_ not in body


def test_year_over_year_section(briefing):
    body = "\n".join(texts(briefing))
    assert "三、与2023年比较" in body
    assert "行政诉讼败诉率：2个地区两年均有数字，与2023年相比1个下降、1个持平。" in body
    table = next(
        t
        for t in briefing.tables
        if t.rows[0].cells[0].text == "指标" and "2023年" in t.rows[0].cells[2].text
    )
    rows = {(r.cells[0].text, r.cells[1].text): [c.text for c in r.cells[2:]] for r in table.rows[1:]}
    assert rows[("行政诉讼败诉率", "唐河县")] == ["6.2%", "4.5%", "−1.7个百分点"]
    assert rows[("行政复议收案数", "方城县")][2].startswith("约+20件")


def test_notes_definitions_method_corrections_sources(group_db, briefing):
    body = "\n".join(texts(briefing))
    for heading in ("四、附注", "（一）指标定义", "（二）计算方法", "（三）数据更正", "（四）资料来源"):
        assert heading in body
    con = duckdb.connect(str(group_db.db), read_only=True)
    definition = con.execute(
        "SELECT definition FROM indicator_defs WHERE key = 'litigation_loss_rate'"
    ).fetchone()[0]
    titles = con.execute(
        "SELECT source, title FROM current_reports WHERE level IN ('county', 'prefecture')"
    ).fetchall()
    con.close()
    cells = {c.text for t in briefing.tables for r in t.rows for c in r.cells}
    assert definition in cells
    assert CORRECTION[3] in cells and "64" in cells and "66" in cells  # reason, extracted, corrected
    sources = [t for t in texts(briefing) if "（文件：" in t]
    for source, title in titles:
        if "neixiang" in source:
            continue  # 内乡县 has no 2024 report and no 2023 figure to compare: not a source
        name = Path(source).name
        assert any(name in s and title in s for s in sources), name
    assert not any(str(group_db.reports) in s or "/" in s for s in sources)  # never a server path


def test_typography_for_word_and_wps(briefing):
    section = briefing.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = {
        name: briefing.styles[name].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
        for name in ("Normal", "Title", "Heading 1")
    }
    assert fonts == {"Normal": "仿宋", "Title": "黑体", "Heading 1": "黑体"}
    footer = section.footer._element.xml
    assert "PAGE" in footer and "fldChar" in footer
    for table in briefing.tables:
        for n, row in enumerate(table.rows):
            props = row._tr.trPr
            assert props.find(qn("w:cantSplit")) is not None
            assert (props.find(qn("w:tblHeader")) is not None) == (n == 0)


def test_chosen_indicators_only(group_db):
    spec = GroupSpec(2024, "county", city="南阳市", keys=("litigation_loss_rate",))
    doc = Document(io.BytesIO(make_briefing(connect(str(group_db.db)), spec)))
    assert len(doc.inline_shapes) == 1 and len(rank_tables(doc)) == 1
    assert "行政复议收案数" not in "\n".join(texts(doc))


def test_empty_group_and_unknown_indicator_are_refused_in_chinese(group_db):
    q = connect(str(group_db.db))
    with pytest.raises(BriefingError, match="对比组为空"):
        make_briefing(q, GroupSpec(2024, "county", city="不存在市"))
    with pytest.raises(BriefingError, match="未知的指标键"):
        make_briefing(q, GroupSpec(2024, "county", keys=("no_such_key",)))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard.briefing", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_command_on_the_sample_database(sample_db, tmp_path):
    out = tmp_path / "简报.docx"
    done = run("--year", "2024", "--level", "county", "--db", str(sample_db.db), "-o", str(out))
    assert done.returncode == 0, done.stderr
    doc = Document(str(out))
    assert doc.paragraphs[0].text == "2024年度全国各县（市、区）法治政府建设主要指标对比"
    want = db_values(sample_db.db, 2024)
    for table in rank_tables(doc):
        names = [c.text.split("\n")[0] for c in table.rows[0].cells]
        for row in table.rows[1:]:
            for name, cell in zip(names[1:], row.cells[1:], strict=True):
                first, expected = cell.text.split("\n")[0], want.get((row.cells[0].text, name), MISSING)
                # a figure in a unit that does not compare (户次 beside 次) carries its unit and the note
                assert first == expected or (first.startswith(expected) and "单位不同，未比较" in cell.text)


def test_command_refuses_bad_input_in_chinese(group_db, tmp_path):
    out = str(tmp_path / "x.docx")
    empty = run(
        "--year", "2024", "--level", "county", "--city", "不存在市", "--db", str(group_db.db), "-o", out
    )
    assert empty.returncode == 1 and "对比组为空" in empty.stderr and not Path(out).exists()
    bad = run("--year", "二〇二四", "--level", "county", "-o", out)
    assert bad.returncode == 2 and "须为整数" in bad.stderr
    missing = run("--level", "county")
    assert missing.returncode == 2 and "缺少参数" in missing.stderr
    nodb = run("--year", "2024", "--level", "county", "--db", str(tmp_path / "none.duckdb"), "-o", out)
    assert nodb.returncode == 1 and "找不到数据库文件" in nodb.stderr


def test_button_on_compare_and_rank_pages_makes_the_briefing(sample_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from dashboard.briefing.button import maker

    for k, v in sample_db.env().items():
        monkeypatch.setenv(k, v)
    for page, params in (("compare", {}), ("rank", {"province": "浙江省"})):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        at.switch_page(f"dashboard/pages/{page}.py")
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        labels = [b.proto.label for b in at.get("download_button")]
        assert "生成简报" in labels, page
    # what the 对比 button runs on a click, through the pages' own connection
    spec = GroupSpec(
        2024, "county", keys=("reconsideration_received",), places=("海盐县", "太仓市", "社旗县")
    )
    doc = Document(io.BytesIO(maker(spec)()))
    assert doc.paragraphs[0].text == "2024年度所选3个地区法治政府建设主要指标对比"
    assert len(doc.inline_shapes) == 1 and len(rank_tables(doc)) == 1
