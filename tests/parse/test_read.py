"""read_document on real files made in tmp_path: every encoding, format and failure the batch meets."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest

from pipeline.parse.normalise import normalise_text
from pipeline.parse.read import (
    decode_html,
    decode_text,
    drop_boilerplate,
    kangxi_table,
    read_document,
    render_body_text,
    sniff_format,
)
from pipeline.parse.records import ReadError
from tests.support.paths import REPORTS  # noqa: E402

SIMPLIFIED = (REPORTS / "sheqi_2024.txt").read_text(encoding="utf-8").split("\n")[0]
TRADITIONAL = (REPORTS / "taicang_2024.txt").read_text(encoding="utf-8").split("\n")[1]
MB = 1024 * 1024


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def fails_with(path: Path, message: str, **kw) -> None:
    with pytest.raises(ReadError) as err:
        read_document(path, **kw)
    assert str(err.value) == message


# --- plain text in every encoding ----------------------------------------------------------------

ENCODINGS = [
    ("utf8", SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8"),
    ("utf8-bom", b"\xef\xbb\xbf" + SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8-sig"),
    ("utf16le-bom", b"\xff\xfe" + SIMPLIFIED.encode("utf-16-le"), SIMPLIFIED, "utf-16-le"),
    ("utf16be-bom", b"\xfe\xff" + SIMPLIFIED.encode("utf-16-be"), SIMPLIFIED, "utf-16-be"),
    ("gbk", SIMPLIFIED.encode("gbk"), SIMPLIFIED, "gb18030"),
    ("gb18030", (SIMPLIFIED + "𠀀").encode("gb18030"), SIMPLIFIED + "𠀀", "gb18030"),
    ("big5", TRADITIONAL.encode("big5"), TRADITIONAL, "big5"),
    ("traditional-in-gbk", TRADITIONAL.encode("gbk"), TRADITIONAL, "gb18030"),
    # Short texts: charset-normalizer alone returns nothing or Big5 for most of these.
    ("gbk-short-year", "2024年".encode("gbk"), "2024年", "gb18030"),
    ("gbk-short-clause", "纠错4件".encode("gbk"), "纠错4件", "gb18030"),
    ("gbk-short-phrase", "在市委".encode("gbk"), "在市委", "gb18030"),
    ("big5-short-clause", "依法辦結272件".encode("big5"), "依法辦結272件", "big5"),
    ("big5-short-phrase", "關鍵少數".encode("big5"), "關鍵少數", "big5"),
    (
        "gbk-one-bad-byte",
        SIMPLIFIED[:20].encode("gbk") + b"\xff" + SIMPLIFIED[20:].encode("gbk"),
        SIMPLIFIED[:20] + "\ufffd" + SIMPLIFIED[20:],
        "gb18030",
    ),
    ("utf8-cut-mid-character", (SIMPLIFIED + "报告").encode("utf-8")[:-1], SIMPLIFIED + "报\ufffd", "utf-8"),
]


@pytest.mark.parametrize("data,expected,encoding", [c[1:] for c in ENCODINGS], ids=[c[0] for c in ENCODINGS])
def test_txt_decodes_every_encoding(tmp_path, data, expected, encoding):
    doc = read_document(write(tmp_path, "report.txt", data))
    assert (doc.format, doc.text, decode_text(data)[1]) == ("txt", expected, encoding)


def test_txt_line_endings_become_newlines_in_normalisation(tmp_path):
    doc = read_document(write(tmp_path, "crlf.txt", "第一段\r\n第二段\r第三段\n".encode("gbk")))
    assert doc.text == "第一段\r\n第二段\r第三段\n"  # read gives what the file says
    assert normalise_text(doc.text)[0] == "第一段\n第二段\n第三段\n"


def test_document_keeps_source_as_given_and_sha256(tmp_path):
    data = SIMPLIFIED.encode("utf-8")
    path = write(tmp_path, "社旗县 2024年 法治政府 报告.txt", data)
    doc = read_document(str(path))
    assert doc.source == str(path)
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.text == SIMPLIFIED


# --- html -----------------------------------------------------------------------------------------

GOV_PAGE = """<!DOCTYPE html><html><head>
{meta}
<title>社旗县2024年法治政府建设年度报告_社旗县人民政府</title>
<style>.nav {{ color: red }}</style><script>var tracker = "统计脚本内容";</script></head>
<body><div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/xwdt">新闻动态</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 法治政府建设</div>
<div class="article"><h1>社旗县2024年法治政府建设年度报告</h1>
<div class="content"><p>{body}</p><p>全年累计开展常务会议学法12次。</p>
<table><tr><td>指标</td><td>数值</td></tr><tr><td>行政复议收案数</td><td>86件</td></tr></table></div>
<div class="share">扫一扫在手机打开当前页</div>
<div class="tools"><a href="javascript:print()">打印本页</a> <a href="javascript:close()">关闭窗口</a></div></div>
<div class="footer"><p>版权所有：社旗县人民政府 主办单位：社旗县人民政府办公室</p>
<p>网站标识码：4113270001 豫ICP备12345678号</p></div><script>document.write("尾部脚本")</script></body></html>"""

BOILERPLATE_WORDS = [
    "当前位置",
    "扫一扫",
    "打印本页",
    "关闭窗口",
    "版权所有",
    "主办单位",
    "网站标识码",
    "ICP备",
    "统计脚本",
    "尾部脚本",
    "color",
]


HTTP_EQUIV = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'


@pytest.mark.parametrize(
    "meta", [HTTP_EQUIV, '<meta charset="GBK">'], ids=["http-equiv-gb2312", "meta-charset-gbk"]
)
def test_html_gbk_page_keeps_article_and_drops_site_furniture(tmp_path, meta):
    page = GOV_PAGE.format(meta=meta, body=SIMPLIFIED).encode("gbk")
    doc = read_document(write(tmp_path, "page.html", page))
    assert (doc.format, doc.title) == ("html", "社旗县2024年法治政府建设年度报告")
    assert decode_html(page)[1] == "gb18030"
    assert SIMPLIFIED in doc.text and "全年累计开展常务会议学法12次。" in doc.text
    assert "行政复议收案数" in doc.text and "86件" in doc.text  # tables are kept
    assert [w for w in BOILERPLATE_WORDS if w in doc.text] == []


def test_html_charset_only_detectable(tmp_path):
    page = f"<html><head><title>太倉市報告</title></head><body><p>{TRADITIONAL}</p></body></html>"
    doc = read_document(write(tmp_path, "page.htm", page.encode("big5")))
    assert (decode_html(page.encode("big5"))[1], doc.title) == ("big5", "太倉市報告")
    assert TRADITIONAL in doc.text


def test_html_deeply_nested_does_not_crash(tmp_path):
    page = (
        "<html><body>"
        + "<div>" * 5000
        + "<p>全年办理行政复议案件86件。</p>"
        + "</div>" * 5000
        + "</body></html>"
    )
    doc = read_document(write(tmp_path, "deep.html", page.encode("utf-8")))
    assert "全年办理行政复议案件86件。" in doc.text


def test_html_title_falls_back_to_h1(tmp_path):
    page = f"<html><body><h1>海盐县2024年法治政府建设年度报告</h1><p>{SIMPLIFIED}</p></body></html>"
    doc = read_document(write(tmp_path, "page.html", page.encode("utf-8")))
    assert doc.title == "海盐县2024年法治政府建设年度报告"


def test_html_without_text_is_refused(tmp_path):
    page = b"<html><head><script>var a = 1;</script></head><body><div> <br> </div></body></html>"
    fails_with(write(tmp_path, "empty.html", page), "网页中没有找到正文")


def test_fallback_rendering_drops_script_style_nav_header_footer():
    page = (
        "<html><head><style>p {}</style></head><body><header>站点头部</header><nav>导航栏</nav>"
        "<div>正文第一段。<br>正文&nbsp;第二段。</div><!-- 注释 --><script>脚本()</script>"
        "<footer>页脚信息</footer></body></html>"
    )
    assert render_body_text(page) == "正文第一段。\n正文 第二段。"


BOILERPLATE_LINES = [
    ("breadcrumb", "当前位置：首页 > 政务公开 > 法治政府建设"),
    ("your-position", "您的位置: 首页 > 信息公开"),
    ("bare-breadcrumb", "首页 > 政务公开 > 年度报告"),
    ("home-cell", "| 首页 |"),
    ("scan", "扫一扫在手机打开当前页"),
    ("copyright", "版权所有：某某市人民政府"),
    ("sponsor", "主办单位：某某市人民政府办公室"),
    ("site-code", "网站标识码：3304240001"),
    ("icp", "浙ICP备12345678号-1"),
    ("police", "浙公网安备 33042402000123号"),
    ("print", "【打印本页】 【关闭窗口】"),
    ("font-size", "字号：[ 大 中 小 ]"),
    ("next", "下一篇：关于印发某某通知"),
]


@pytest.mark.parametrize("line", [c[1] for c in BOILERPLATE_LINES], ids=[c[0] for c in BOILERPLATE_LINES])
def test_boilerplate_line_is_dropped(line):
    assert drop_boilerplate(f"正文第一段。\n{line}\n正文第二段。") == "正文第一段。\n正文第二段。"


def test_long_report_line_mentioning_copyright_is_kept():
    line = "加强知识产权保护，" * 12 + "依法打击侵犯版权所有人合法权益的行为。"
    assert drop_boilerplate(line) == line


# --- docx -----------------------------------------------------------------------------------------


def make_docx(title: str | None = "海盐县2024年法治政府建设年度报告") -> bytes:
    import docx

    d = docx.Document()
    if title:
        d.core_properties.title = title
    d.add_paragraph("一、行政复议")
    d.add_paragraph("")
    table = d.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "指标", (0, 1): "数值", (1, 0): "行政复议收案数", (1, 1): "162件"}.items():
        table.cell(r, c).text = text
    d.add_paragraph("全年收到行政复议案件162件。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_cells_in_order(tmp_path):
    doc = read_document(write(tmp_path, "报告.docx", make_docx()))
    assert (doc.format, doc.title) == ("docx", "海盐县2024年法治政府建设年度报告")
    assert (
        doc.text == "一、行政复议\n| 指标 | 数值 |\n| 行政复议收案数 | 162件 |\n全年收到行政复议案件162件。"
    )


def test_a_table_of_years_puts_the_latest_year_first(tmp_path):
    """A figures table beside last year's (`| 指标 | 2021年 | 2022年 |`) is read latest year first, so the
    report's own figure is the one next to its name; a table without years keeps its order."""
    import docx

    d = docx.Document()
    d.add_paragraph("主要指标完成情况见下表。")
    rows = [("指标", "2021年", "2022年", "备注"), ("行政复议收案数", "118件", "142件", "")]
    table = d.add_table(rows=2, cols=4)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    d.add_paragraph("| 指标 | 数值 | 说明 |\n| 法律援助案件数 | 4213件 | 无 |")
    buf = io.BytesIO()
    d.save(buf)
    text = normalise_text(read_document(write(tmp_path, "表.docx", buf.getvalue())).text)[0]
    assert "| 指标 | 2022年 | 2021年 | 备注 |\n| 行政复议收案数 | 142件 | 118件 |  |" in text
    assert "| 法律援助案件数 | 4213件 | 无 |" in text
    page = GOV_PAGE.format(
        meta=HTTP_EQUIV,
        body="<table><tr><td>指标</td><td>2023年度</td><td>2024年度</td></tr>"
        "<tr><td>一审行政诉讼案件数</td><td>231件</td><td>209件</td></tr></table>" + SIMPLIFIED,
    )
    text = normalise_text(read_document(write(tmp_path, "表.html", page.encode("gbk"))).text)[0]
    assert "| 一审行政诉讼案件数 | 209件 | 231件 |" in text


def test_docx_without_title(tmp_path):
    assert read_document(write(tmp_path, "a.docx", make_docx(title=None))).title is None


def zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (3 * MB))
    return buf.getvalue()


# --- pdf ------------------------------------------------------------------------------------------


def pdf_canvas(draw) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def chinese_pdf() -> bytes:
    def draw(c):
        c.setFont("STSong-Light", 12)
        c.drawString(50, 800, "2024年，全年收到行政复议案件162件，办结151件。")
        c.drawString(50, 780, "太倉市行政復議案件依法辦結。")

    return pdf_canvas(draw)


def encrypted_pdf(user_password: str, algorithm: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(chinese_pdf())))
    w.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def image_only_pdf() -> bytes:
    from PIL import Image

    return pdf_canvas(lambda c: c.drawInlineImage(Image.new("RGB", (60, 40), "gray"), 50, 600, 300, 200))


def test_pdf_chinese_text_layer(tmp_path):
    doc = read_document(write(tmp_path, "报告.pdf", chinese_pdf()))
    assert doc.format == "pdf"
    assert doc.text.split("\n")[:2] == [
        "2024年，全年收到行政复议案件162件，办结151件。",
        "太倉市行政復議案件依法辦結。",
    ]


def test_pdf_encrypted_with_empty_user_password_is_read(tmp_path):
    doc = read_document(write(tmp_path, "restricted.pdf", encrypted_pdf("", "AES-128")))
    assert "全年收到行政复议案件162件" in doc.text


def test_pdf_wrapped_lines_are_rejoined(tmp_path):
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=12, leading=18, wordWrap="CJK")
    paras = (REPORTS / "sheqi_2024.txt").read_text(encoding="utf-8").split("\n")[:4]
    buf = io.BytesIO()
    SimpleDocTemplate(buf).build([Paragraph(p, style) for p in paras])
    text = read_document(write(tmp_path, "wrapped.pdf", buf.getvalue())).text
    assert paras[1] in text.split("\n")  # the heading stays its own line
    assert "".join(text.split()) == "".join("".join(paras).split())  # nothing lost or duplicated
    assert "县政府常务会议研究法治政府建设有关问题2次" in text  # a figure cut by the margin is whole again


def test_kangxi_radicals_become_ordinary_ideographs():
    assert "\u2f00\u2f08\u2f42".translate(kangxi_table()) == "一人文"


# --- every failure, with its exact message --------------------------------------------------------

FAILURES = [
    ("empty", "empty.txt", lambda: b"", "文件是空的"),
    ("whitespace-only", "blank.txt", lambda: " \r\n\t\u3000".encode("utf-8"), "文件是空的"),
    (
        "binary-with-nul",
        "data.txt",
        lambda: bytes(range(256)) * 40,
        "文件不是可识别的文本（可能是二进制文件）",
    ),
    (
        "binary-without-nul",
        "data.bin",
        lambda: bytes((i * 7919 + 13) % 255 + 1 for i in range(8000)),
        "文件不是可识别的文本（可能是二进制文件）",
    ),
    (
        "zip-not-docx",
        "a.zip",
        lambda: zip_of({"x.bin": b"\0" * 100}),
        "文件不是可识别的文本（可能是二进制文件）",
    ),
    ("docx-zip-bomb", "bomb.docx", zip_bomb, "文件解压后过大（超过 1 MB 上限）"),
    ("docx-truncated", "cut.docx", lambda: make_docx()[:3000], "Word 文件已损坏，无法读取"),
    (
        "docx-bad-xml",
        "bad.docx",
        lambda: zip_of({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:"}),
        "Word 文件已损坏，无法读取",
    ),
    (
        "legacy-doc",
        "old.doc",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000,
        "不支持旧版 Word（.doc）格式，请另存为 .docx",
    ),
    ("pdf-encrypted", "secret.pdf", lambda: encrypted_pdf("secret", "RC4-128"), "PDF 已加密，无法读取"),
    ("pdf-truncated", "cut.pdf", lambda: chinese_pdf()[: len(chinese_pdf()) // 2], "PDF 文件已损坏或不完整"),
    (
        "pdf-rectangle-only",
        "scan.pdf",
        lambda: pdf_canvas(lambda c: c.rect(50, 50, 400, 600, fill=1)),
        "PDF 没有文字层（可能是扫描件）",
    ),
    ("pdf-image-only", "scan2.pdf", image_only_pdf, "PDF 没有文字层（可能是扫描件）"),
    ("over-max-bytes", "big.txt", lambda: b"a" * (MB + 1), "文件过大（超过 1 MB 上限）"),
]


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("name,make,message", [c[1:] for c in FAILURES], ids=[c[0] for c in FAILURES])
def test_bad_file_gives_plain_chinese_reason(tmp_path, name, make, message):
    fails_with(write(tmp_path, name, make()), message, max_bytes=MB)


def test_exactly_max_bytes_is_accepted(tmp_path):
    assert read_document(write(tmp_path, "edge.txt", b"a" * MB), max_bytes=MB).text == "a" * MB


def test_missing_file(tmp_path):
    fails_with(tmp_path / "不存在的报告.txt", "找不到文件")


def test_directory(tmp_path):
    fails_with(tmp_path, "这是一个文件夹，不是文件")


def test_unreadable_file(tmp_path):
    """Root reads anything, so as root the check runs in a child that has dropped to `nobody`."""
    path = write(tmp_path, "locked.txt", SIMPLIFIED.encode("utf-8"))
    path.chmod(0)
    if os.geteuid() != 0:
        fails_with(path, "文件无法读取（没有权限）")
        return
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: drop privileges, report the message through the pipe, never return
        try:
            os.setgid(65534)
            os.setuid(65534)
            read_document(path)
            os.write(write_end, b"read it")
        except BaseException as e:  # noqa: BLE001 - everything goes back to the parent
            os.write(write_end, str(e).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    assert os.read(read_end, 1000).decode() == "文件无法读取（没有权限）"


# --- the content decides the format, not the extension --------------------------------------------


def test_docx_named_txt(tmp_path):
    doc = read_document(write(tmp_path, "report.txt", make_docx()))
    assert doc.format == "docx" and "全年收到行政复议案件162件。" in doc.text


def test_html_named_txt(tmp_path):
    doc = read_document(
        write(tmp_path, "report.txt", GOV_PAGE.format(meta=HTTP_EQUIV, body=SIMPLIFIED).encode("gbk"))
    )
    assert doc.format == "html" and SIMPLIFIED in doc.text and "版权所有" not in doc.text


def test_pdf_named_docx(tmp_path):
    assert read_document(write(tmp_path, "report.docx", chinese_pdf())).format == "pdf"


SNIFF = [
    ("pdf", b"%PDF-1.7\n...", "", "pdf"),
    ("html-doctype", b"  <!DOCTYPE html><p>x</p>", ".txt", "html"),
    ("html-saved-from-comment", b"<!-- saved from url=(0042)http://x.gov.cn/ -->\n<html><body>", "", "html"),
    ("html-fragment-by-extension", b"<div>\xe6\x8a\xa5\xe5\x91\x8a</div>", ".htm", "html"),
    ("html-fragment-named-txt", b"<div>\xe6\x8a\xa5\xe5\x91\x8a</div>", ".txt", "txt"),
    ("text-mentioning-body", "报告提到 <body> 标签".encode(), ".txt", "txt"),
    ("utf16-html", "\ufeff<html><body>报告".encode("utf-16-le"), "", "html"),
]


@pytest.mark.parametrize("data,suffix,fmt", [c[1:] for c in SNIFF], ids=[c[0] for c in SNIFF])
def test_sniff_format(data, suffix, fmt):
    assert sniff_format(data, suffix) == fmt


def test_text_in_no_chinese_encoding_is_detected_by_charset_normalizer(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Ça coûte très cher, évidemment, à Genève.\n".encode("latin-1") * 4)
    doc = read_document(path)
    # latin-1 and cp1250 read these bytes equally well; what matters is a clean decode, not binary
    assert "cher, " in doc.text and "\ufffd" not in doc.text
    assert decode_text(path.read_bytes())[1] not in ("utf-8", "gb18030", "big5", "cp950")
