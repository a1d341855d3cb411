"""Hostile inputs, made at any size: each family repeats one unit so that time against size shows
whether a stage is linear. Used by tests/parse/test_hostile.py and benchmarks/hostile_scaling.py.

Every family is `make(n) -> (suffix, bytes)`, about n bytes. The text is written here (no report
text is copied); the PDF and docx makers build real files."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable

KB = 1024
MB = 1024 * KB


def repeat(head: str, unit: str, n: int, tail: str = "") -> bytes:
    """head + unit repeated to about n bytes (UTF-8) + tail."""
    size = len(unit.encode())
    return (head + unit * max(1, (n - len(head.encode())) // size) + tail).encode()


def clauses_after_year(n: int) -> tuple[str, bytes]:
    """One sentence of many clauses: every match is read against the sentence's start."""
    return ".txt", repeat("2024年，", "全年收到行政复议案件12件；", n)


def listed_over(n: int) -> tuple[str, bytes]:
    """A list of 余 figures joined by 、: one clause, one sentence."""
    return ".txt", repeat("", "行政复议收案12余件、", n)


def table_lines(n: int) -> tuple[str, bytes]:
    """A long table of years and counts, one line a row."""
    head = "| 指标 | 2024年 | 2023年 |\n"
    return ".txt", repeat(head, "| 行政复议收到案件 | 12件 | 10件 |\n| 行政诉讼败诉率 | 5% | 6% |\n", n)


def ascii_lines(n: int) -> tuple[str, bytes]:
    """Plain ASCII lines with figures: no Chinese at all."""
    return ".txt", repeat("", "line 12345 of the log, value 67.8% at 2024-01-02 10:11:12\n", n)


def carried_sentences(n: int) -> tuple[str, bytes]:
    """Short sentences that follow one naming a topic, in one paragraph (the `after` rules)."""
    return ".txt", repeat("2024年法治政府建设情况。", "受理行政复议案件47件。审结45件，纠错3件。", n)


def many_periods(n: int) -> tuple[str, bytes]:
    """Nothing but sentence ends, with a figure now and then."""
    return ".txt", repeat("行政复议", "。。。。。。。。。12件", n)


def many_percents(n: int) -> tuple[str, bytes]:
    """Rates back to back inside one clause."""
    return ".txt", repeat("2024年行政诉讼败诉率", "12.5%", n)


def giant_number(n: int) -> tuple[str, bytes]:
    """One figure of n digits."""
    return ".txt", repeat("2024年全年收到行政复议案件", "9", n, "件。")


def single_line(n: int) -> tuple[str, bytes]:
    """One line, no sentence end, many topics and figures."""
    unit = "行政复议案件12件，行政诉讼案件3起，调解纠纷45件，败诉率1.5%，"
    return ".txt", repeat("2024年", unit, n)


def chinese_numerals(n: int) -> tuple[str, bytes]:
    """Figures in Chinese numerals, one after another in a sentence."""
    return ".txt", repeat("2024年", "收到行政复议案件二十余件，审结十九件，", n)


def deep_html(n: int) -> tuple[str, bytes]:
    """HTML nested as deep as its size allows, the text at the bottom."""
    depth = max(1, (n - 200) // 11)
    body = "<div>" * depth + "<p>2024年全年收到行政复议案件12件。</p>" + "</div>" * depth
    return ".html", f"<!DOCTYPE html><html><body>{body}</body></html>".encode()


def many_paragraphs_html(n: int) -> tuple[str, bytes]:
    """A flat page of many short paragraphs with figures."""
    return ".html", repeat(
        "<!DOCTYPE html><html><body>", "<p>全年收到行政复议案件12件。</p>", n, "</body></html>"
    )


def docx_bomb(n: int) -> tuple[str, bytes]:
    """A docx whose document.xml inflates about a thousand times, to at most 128 MB (refused before
    it is inflated)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as f:
            for _ in range(max(1, min(128, n // KB))):
                f.write(b" " * MB)
    return ".docx", buf.getvalue()


def pdf_pages(n: int) -> tuple[str, bytes]:
    """A PDF with one short line a page, about n bytes of file (~150 bytes a page)."""
    pages = max(1, n // 150)
    line = "2024年全年收到行政复议案件12件,审结10件。"
    chars = sorted(set(line))
    codes = [c for c in range(0x21, 0x7F) if c not in b"()\\"]
    code_of = dict(zip(chars, codes, strict=False))
    cmap = " ".join(f"<{code_of[ch]:02X}> <{ch.encode('utf-16-be').hex().upper()}>" for ch in chars)
    cm = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /T def "
        "1 begincodespacerange <00> <FF> endcodespacerange "
        f"{len(chars)} beginbfchar {cmap} endbfchar endcmap "
        "CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    content = b"BT /F1 12 Tf 50 800 Td (" + bytes(code_of[ch] for ch in line) + b") Tj ET"
    # objects: 1 catalog, 2 pages, 3 font, 4 cmap, 5 content (shared), then one page object each
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % (6 + i) for i in range(pages))
        + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(cm) + cm + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 3 0 R >> >> >>"
    objs += [page] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return ".pdf", bytes(out)


# name → maker of about n bytes
FAMILIES: dict[str, Callable[[int], tuple[str, bytes]]] = {
    "clauses_after_year": clauses_after_year,
    "listed_over": listed_over,
    "table_lines": table_lines,
    "ascii_lines": ascii_lines,
    "carried_sentences": carried_sentences,
    "many_periods": many_periods,
    "many_percents": many_percents,
    "giant_number": giant_number,
    "single_line": single_line,
    "chinese_numerals": chinese_numerals,
    "deep_html": deep_html,
    "many_paragraphs_html": many_paragraphs_html,
    "docx_bomb": docx_bomb,
    "pdf_pages": pdf_pages,
}


def timed_process(path, with_mentions: bool = False):
    """process_file and its own seconds, measured inside the worker (for run_with_budget)."""
    from pipeline.parse.process import process_file

    t = time.perf_counter()
    result = process_file(path, with_mentions=with_mentions)
    return result, time.perf_counter() - t
