"""One report in every format and encoding gives the same figures, metadata and script."""

from pathlib import Path

import docx
import opencc
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from pipeline.parse.process import process_file
from tests.support.paths import REPORTS

TEXT = (REPORTS / "sheqi_2024.txt").read_text(encoding="utf-8")


def write_docx(path: Path) -> None:
    d = docx.Document()
    for para in TEXT.split("\n"):
        d.add_paragraph(para)
    d.save(path)


def write_html(path: Path) -> None:
    body = "".join(f"<p>{p}</p>" for p in TEXT.split("\n"))
    page = (
        '<html><head><meta charset="gbk"><title>社旗县2024年法治政府建设年度报告_社旗县人民政府</title></head>'
        '<body><div class="nav">当前位置：首页 > 政务公开</div><div class="article">'
        + body
        + '</div><div class="footer">版权所有：社旗县人民政府 网站标识码 4113270001</div><script>var x=1;</script>'
        "</body></html>"
    )
    path.write_bytes(page.encode("gbk"))


def write_pdf(path: Path) -> None:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 9)
    y = 800
    for para in TEXT.split("\n"):
        for i in range(0, len(para), 50):
            c.drawString(30, y, para[i : i + 50])
            y -= 14
            if y < 40:
                c.showPage()
                c.setFont("STSong-Light", 9)
                y = 800
    c.save()


WRITERS = {
    "utf8.txt": lambda p: p.write_text(TEXT, encoding="utf-8"),
    "utf8-bom.txt": lambda p: p.write_text(TEXT, encoding="utf-8-sig"),
    "gbk.txt": lambda p: p.write_bytes(TEXT.encode("gbk")),
    "utf16.txt": lambda p: p.write_text(TEXT, encoding="utf-16"),
    "big5.txt": lambda p: p.write_bytes(opencc.OpenCC("s2t").convert(TEXT).encode("big5", errors="replace")),
    "page.html": write_html,
    "社旗 报告.docx": write_docx,
    "scan-free.pdf": write_pdf,
}


@pytest.fixture(scope="module")
def reference():
    return process_file(REPORTS / "sheqi_2024.txt")


@pytest.mark.parametrize("name", list(WRITERS), ids=list(WRITERS))
def test_same_report_in_every_format(tmp_path, reference, name):
    path = tmp_path / name
    WRITERS[name](path)
    result = process_file(path)
    assert result.ok, result.error
    assert result.meta.jurisdiction == "社旗县" and result.meta.year == 2024
    assert result.script == ("traditional" if name == "big5.txt" else "simplified")
    got = {k: v.value for k, v in result.indicators.items()}
    assert got == {k: v.value for k, v in reference.indicators.items()}
    for v in result.indicators.values():
        if not v.derived:
            assert result.text[v.start : v.end] in v.evidence
