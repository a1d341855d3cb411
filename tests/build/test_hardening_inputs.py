"""Hardening against bad and hostile input, measured.

A corpus of awkward files is made here (empty, binary, wrong extension, every supported encoding, a
200 MB text file, a docx that inflates to 300 MB, deep HTML, broken PDFs, hostile file names) and
goes through process_file, `extract --jsonl` and `build`: each file gets ok: false with its reason
or a correct result, no file stops the batch, and nothing is written outside the database folder.
A hypothesis test runs 10,000 generated texts through normalise and extract. Figures print with -s.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.build.checks import run_checks
from pipeline.build.database import build_database
from pipeline.config import ROOT
from pipeline.parse.derive import derive_indicators
from pipeline.parse.extract import extract_indicators
from pipeline.parse.indicators import load_indicators
from pipeline.parse.mentions import find_mentions
from pipeline.parse.normalise import normalise_text
from pipeline.parse.process import process_file
from pipeline.parse.records import ReportResult
from tests.support.figures import is_figure_at
from tests.support.paths import REPORTS

# Adversarial inputs and recovery: run by `make test`, left out of the `make test-fast` inner loop.
pytestmark = pytest.mark.slow

SAMPLES = REPORTS  # the repo's copies of ../shared/reports
MB = 1024 * 1024
BIG_MB = 200
BOMB_MB = 300
MSG_BINARY = "文件不是可识别的文本（可能是二进制文件）"
MSG_DOCX = "Word 文件已损坏，无法读取"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def reference(name: str) -> ReportResult:
    """The UTF-8 sample as the pipeline reads it: what every re-encoding must give back."""
    return process_file(SAMPLES / name)


def values_of(r: ReportResult) -> dict[str, float]:
    return {k: v.value for k, v in r.indicators.items()}


# --- makers of awkward files ------------------------------------------------------------------------


def make_docx(paragraphs: list[str]) -> bytes:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def pdf_bytes(content: bytes, cmap: dict[int, str] | None) -> bytes:
    """A one-page PDF drawing `content`; `cmap` maps the font's one-byte codes to text (ToUnicode).
    Written by hand so any mapping, even a lone surrogate, can be put in."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
    font = b" /Resources << /Font << /F1 5 0 R >> >>" if cmap is not None else b""
    objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R" + font + b" >>")
    objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    if cmap is not None:
        pairs = " ".join(
            f"<{c:02X}> <{ch.encode('utf-16-be', 'surrogatepass').hex().upper()}>" for c, ch in cmap.items()
        )
        cm = (
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /T def "
            "1 begincodespacerange <00> <FF> endcodespacerange "
            f"{len(cmap)} beginbfchar {pairs} endbfchar endcmap "
            "CMapName currentdict /CMap defineresource pop end end"
        ).encode()
        objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>")
        objs.append(b"<< /Length %d >>\nstream\n" % len(cm) + cm + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def text_pdf(lines: list[str]) -> bytes:
    """A PDF whose text layer holds `lines` (each distinct character gets a one-byte code)."""
    chars = sorted(set("".join(lines)))
    codes = [c for c in range(0x21, 0x100) if c not in b"()\\"]
    assert len(chars) <= len(codes)
    cmap = dict(zip(codes, chars, strict=False))
    code_of = {ch: c for c, ch in cmap.items()}
    ops = [b"BT /F1 12 Tf 14 TL 50 800 Td"]
    ops += [b"(" + bytes(code_of[ch] for ch in line) + b") Tj T*" for line in lines]
    return pdf_bytes(b"\n".join(ops + [b"ET"]), cmap)


PDF_LINES = ["2024年，海盐县全年收到行政复议案件162件，办结151件。", "太倉市行政復議案件依法辦結。"]


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(PDF_LINES))))
    w.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def write_docx_bomb(path: Path, mb: int) -> None:
    """A docx whose document.xml inflates to `mb` MB, streamed so the test never holds it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as f:
            chunk = b" " * MB
            for _ in range(mb):
                f.write(chunk)


def write_lying_docx(path: Path, mb: int = 64, fix_crc: bool = False) -> None:
    """A real docx whose document.xml inflates to `mb` MB while its headers claim 1,000 bytes, so a
    size check on the headers alone lets it through; with `fix_crc` the CRC matches those 1,000 bytes
    too, so even a CRC check passes."""
    real = zipfile.ZipFile(io.BytesIO(make_docx(["全年收到行政复议案件162件。"])))
    crc = zlib.crc32(real.read("word/document.xml")[:1000])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in real.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info.filename, real.read(info.filename))
        with z.open("word/document.xml", "w") as f:
            f.write(real.read("word/document.xml"))
            for _ in range(mb):
                f.write(b" " * MB)
    data = bytearray(buf.getvalue())
    member = b"word/document.xml"
    for sig, crc_at, name_len_at, name_at in ((b"PK\x03\x04", 14, 26, 30), (b"PK\x01\x02", 16, 28, 46)):
        i = data.find(sig)
        while i >= 0:
            n = struct.unpack_from("<H", data, i + name_len_at)[0]
            if data[i + name_at : i + name_at + n] == member:
                struct.pack_into("<I", data, i + crc_at + 8, 1000)  # uncompressed size
                if fix_crc:
                    struct.pack_into("<I", data, i + crc_at, crc)
            i = data.find(sig, i + 4)
    path.write_bytes(bytes(data))


def write_big_text(path: Path, mb: int) -> None:
    """`mb` MB of real report text, written a chunk at a time."""
    chunk = (sample("haiyan_2024.txt") * 40).encode("utf-8")
    with open(path, "wb") as f:
        written = 0
        while written < mb * MB:
            f.write(chunk)
            written += len(chunk)


GOV_PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_海盐县人民政府</title></head>'
    '<body><nav>首页 &gt; 政务公开</nav><div class="article">{body}</div>'
    "<footer>版权所有：海盐县人民政府</footer></body></html>"
)


def as_html(text: str, title: str = "海盐县2024年法治政府建设年度报告") -> str:
    return GOV_PAGE.format(title=title, body="".join(f"<p>{line}</p>" for line in text.split("\n") if line))


# --- the corpus -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One awkward file: how to make it and what the pipeline must say about it."""

    id: str
    name: str  # relative path inside the corpus folder
    make: Callable[[Path], None]
    error: str | None = None  # the exact reason for ok: false; None means a correct result is due
    like: str | None = None  # the sample whose jurisdiction, year and values it must give
    check: dict = field(default_factory=dict)  # other fields a correct result must have
    build_error: str | None = None  # the build refuses it for another reason (file type)
    same_values: bool = True  # every value of `like` (False: a different layout, check a few)
    hidden: bool = False  # a dot file: the build skips it as not a report (like .DS_Store, ~$x.docx)

    def expected_build_error(self) -> str | None:
        return self.build_error or self.error


def data(b: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda p: p.write_bytes(b() if callable(b) else b)


def encoded(name: str, codec: str, bom: bytes = b"") -> Callable[[Path], None]:
    return lambda p: p.write_bytes(bom + sample(name).encode(codec))


HAIYAN, TAICANG, SHEQI, LONGQUAN, QIAOTOU = (
    "haiyan_2024.txt",
    "taicang_2024.txt",
    "sheqi_2024.txt",
    "longquan_2023.txt",
    "qiaotou_2024.txt",
)

CASES = [
    # every supported encoding gives exactly the UTF-8 reading
    Case("utf8", "编码/utf8.txt", encoded(HAIYAN, "utf-8"), like=HAIYAN, check={"format": "txt"}),
    Case("utf8-bom", "编码/utf8_bom.txt", encoded(HAIYAN, "utf-8", b"\xef\xbb\xbf"), like=HAIYAN),
    Case("utf16le-bom", "编码/utf16le.txt", encoded(HAIYAN, "utf-16-le", b"\xff\xfe"), like=HAIYAN),
    Case("utf16be-bom", "编码/utf16be.txt", encoded(HAIYAN, "utf-16-be", b"\xfe\xff"), like=HAIYAN),
    Case("utf16le-no-bom", "编码/utf16le_nobom.txt", encoded(HAIYAN, "utf-16-le"), like=HAIYAN),
    Case("gbk", "编码/gbk.txt", encoded(HAIYAN, "gbk"), like=HAIYAN),
    Case("gb18030", "编码/gb18030.txt", encoded(HAIYAN, "gb18030"), like=HAIYAN),
    Case("big5", "编码/big5.txt", encoded(TAICANG, "big5"), like=TAICANG, check={"script": "traditional"}),
    Case("cp950", "编码/cp950.txt", encoded(TAICANG, "cp950"), like=TAICANG),
    Case("traditional-in-gbk", "编码/taicang_gbk.txt", encoded(TAICANG, "gbk"), like=TAICANG),
    # the content decides the format, not the extension
    Case(
        "docx-named-txt",
        "扩展名/docx.txt",
        data(lambda: make_docx(sample(SHEQI).split("\n"))),
        like=SHEQI,
        check={"format": "docx"},
        same_values=False,
    ),
    Case(
        "pdf-named-html",
        "扩展名/pdf.html",
        data(lambda: text_pdf(PDF_LINES)),
        check={"format": "pdf"},
        like=None,
    ),
    Case(
        "html-named-pdf",
        "扩展名/html.pdf",
        data(lambda: as_html(sample(HAIYAN)).encode("gbk")),
        like=HAIYAN,
        check={"format": "html"},
        same_values=False,
    ),
    Case(
        "txt-named-docx",
        "扩展名/text.docx",
        encoded(LONGQUAN, "utf-8"),
        like=LONGQUAN,
        check={"format": "txt"},
    ),
    # shapes that stress the parsers
    Case(
        "deeply-nested-html",
        "结构/deep.html",
        data(
            lambda: (
                "<html><body>"
                + "<div>" * 100_000
                + as_html(sample(HAIYAN))
                + "</div>" * 100_000
                + "</body></html>"
            ).encode()
        ),
        like=HAIYAN,
        same_values=False,
        check={"format": "html"},
    ),
    Case(
        "one-2mb-line",
        "结构/one_line.txt",
        data(lambda: sample(QIAOTOU).replace("\n", "").encode() * 200),
        like=QIAOTOU,
        same_values=False,
    ),
    Case("pdf-text-layer", "结构/text.pdf", data(lambda: text_pdf(PDF_LINES)), check={"format": "pdf"}),
    Case(
        "pdf-lone-surrogate",
        "结构/surrogate.pdf",
        data(lambda: text_pdf(["全年收到行政复议案件162件\ud800办结151件。" * 2])),
        check={"format": "pdf"},
    ),
    # hostile names: spaces, Chinese, quotes, SQL, markup, `..`
    Case(
        "name-spaces-chinese",
        "名字/海盐县 2024 年 法治政府建设 报告.txt",
        encoded(HAIYAN, "utf-8"),
        like=HAIYAN,
    ),
    Case(
        "name-url-encoded-dotdot",
        "名字/..%2F..%2Fevil.txt",
        encoded(QIAOTOU, "utf-8"),
        like=QIAOTOU,
        hidden=True,
    ),
    Case("name-backslash-dotdot", "名字/..\\..\\evil.txt", encoded(SHEQI, "utf-8"), like=SHEQI, hidden=True),
    Case("name-inner-dotdot", "名字/报告..%2F..%2F..\\evil.txt", encoded(QIAOTOU, "utf-8"), like=QIAOTOU),
    Case("name-sql", "名字/'; DROP TABLE reports; --.txt", encoded(TAICANG, "utf-8"), like=TAICANG),
    Case(
        "name-markup-percent",
        "名字/<img src=x onerror=alert(1)> 100%.txt",
        encoded(LONGQUAN, "utf-8"),
        like=LONGQUAN,
    ),
    Case("folder-spaces-chinese", "名字/子 目录/台仓 报告.txt", encoded(TAICANG, "utf-8"), like=TAICANG),
    # refused, each with its own plain reason
    Case("empty", "坏文件/empty.txt", data(b""), error="文件是空的"),
    Case("whitespace-only", "坏文件/blank.txt", data(" \r\n\t\u3000\n".encode()), error="文件是空的"),
    Case("binary-with-nul", "坏文件/binary.txt", data(bytes(range(256)) * 64), error=MSG_BINARY),
    Case(
        "binary-without-nul",
        "坏文件/noise.txt",
        data(lambda: bytes((i * 7919 + 13) % 255 + 1 for i in range(20000))),
        error=MSG_BINARY,
    ),
    Case(
        "png-image",
        "坏文件/scan.png",
        data(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16),
        error=MSG_BINARY,
        build_error="不支持的文件类型 .png，只能导入 txt、html、docx、pdf",
    ),
    Case(
        "legacy-doc",
        "坏文件/old.doc",
        data(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096),
        error="不支持旧版 Word（.doc）格式，请另存为 .docx",
        build_error="不支持的文件类型 .doc，只能导入 txt、html、docx、pdf",
    ),
    Case(
        "zip-not-docx",
        "坏文件/archive.docx",
        data(lambda: _zip({"readme.bin": bytes(range(256)) * 8})),
        error=MSG_BINARY,
    ),
    Case(
        "docx-truncated",
        "坏文件/cut.docx",
        data(lambda: make_docx(["全年收到行政复议案件162件。"])[:3000]),
        error=MSG_DOCX,
    ),
    Case(
        "docx-without-parts",
        "坏文件/parts.docx",
        data(lambda: _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})),
        error=MSG_DOCX,
    ),
    Case(
        "docx-300mb-inflated",
        "坏文件/bomb.docx",
        lambda p: write_docx_bomb(p, BOMB_MB),
        error="文件解压后过大（超过 50 MB 上限）",
    ),
    Case("docx-lying-sizes", "坏文件/lying.docx", write_lying_docx, error=MSG_DOCX),
    Case(
        "docx-lying-sizes-and-crc",
        "坏文件/lying_crc.docx",
        lambda p: write_lying_docx(p, fix_crc=True),
        error=MSG_DOCX,
    ),
    Case(
        "html-without-text",
        "坏文件/empty.html",
        data(b"<html><body><script>var x = 1;</script><nav>\xe9\xa6\x96\xe9\xa1\xb5</nav></body></html>"),
        error="网页中没有找到正文",
    ),
    Case(
        "pdf-truncated",
        "坏文件/cut.pdf",
        data(lambda: text_pdf(PDF_LINES)[:300]),
        error="PDF 文件已损坏或不完整",
    ),
    Case("pdf-encrypted", "坏文件/secret.pdf", data(encrypted_pdf), error="PDF 已加密，无法读取"),
    Case(
        "pdf-no-text-layer",
        "坏文件/scan.pdf",
        data(lambda: pdf_bytes(b"0.5 g 50 50 400 600 re f", None)),
        error="PDF 没有文字层（可能是扫描件）",
    ),
    Case(
        "text-200mb",
        "坏文件/huge.txt",
        lambda p: write_big_text(p, BIG_MB),
        error="文件过大（超过 50 MB 上限）",
    ),
]
BY_ID = {c.id: c for c in CASES}


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    return buf.getvalue()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every case written once into one folder (read-only for the tests)."""
    folder = tmp_path_factory.mktemp("awkward") / "corpus"
    t0 = time.monotonic()
    for case in CASES:
        path = folder / case.name
        path.parent.mkdir(parents=True, exist_ok=True)
        case.make(path)
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    print(
        f"\n[corpus] {len(CASES)} awkward files, {total / MB:,.0f} MB on disk, made in {time.monotonic() - t0:.1f} s"
    )
    return folder


@pytest.fixture(scope="module")
def references() -> dict[str, ReportResult]:
    return {name: reference(name) for name in (HAIYAN, TAICANG, SHEQI, LONGQUAN, QIAOTOU)}


def snapshot(*roots: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under the roots with (size, mtime_ns), to see what a run wrote."""
    out = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                p = Path(dirpath) / name
                st_ = p.lstat()
                out[str(p)] = (st_.st_size, st_.st_mtime_ns)
    return out


def changed(before: dict, after: dict) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAZHI_")}
    return {**env, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1", **extra}


def assert_correct(result: ReportResult, case: Case, references: dict[str, ReportResult]) -> None:
    assert result.ok, f"{case.id}: {result.error}"
    for attr, want in case.check.items():
        assert getattr(result, attr) == want, (case.id, attr)
    if case.like:
        ref = references[case.like]
        assert (result.meta.jurisdiction, result.meta.year) == (ref.meta.jurisdiction, ref.meta.year)
        if case.same_values:
            assert values_of(result) == values_of(ref)
        else:  # a different layout: the headline figures are still found
            common = set(values_of(ref)) & set(values_of(result))
            assert len(common) >= min(3, len(values_of(ref)))
            assert all(result.indicators[k].value == ref.indicators[k].value for k in common)
    else:
        assert result.indicators["reconsideration_received"].value == 162
    for v in result.indicators.values():
        if v.start is not None:
            assert is_figure_at(result.text, v.start, v.end)
    if "surrogate" in case.id:
        assert "\ufffd" in result.text


# --- one file at a time -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_awkward_file_gets_its_reason_or_a_correct_result(corpus, references, case):
    result = process_file(corpus / case.name)
    if case.error:
        assert (result.ok, result.error) == (False, case.error)
    else:
        assert_correct(result, case, references)


# --- the whole corpus through the command line and the build --------------------------------------


def test_extract_command_reads_the_whole_corpus_without_crashing(corpus, tmp_path):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    args = [str(corpus / c.name) for c in CASES]
    args.append(
        str(corpus / "名字" / "子 目录" / ".." / ".." / "编码" / "utf8.txt")
    )  # `..` on the command line
    before = snapshot(corpus, tmp_path)
    t0 = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", *args, "--jsonl"],
        cwd=cwd,
        capture_output=True,
        env=child_env(),
    )
    seconds = time.monotonic() - t0
    lines = proc.stdout.decode("utf-8").splitlines()  # strict: every line is valid UTF-8
    rows = [json.loads(line) for line in lines]
    assert proc.returncode == 1, proc.stderr.decode()[-2000:]
    assert "Traceback" not in proc.stderr.decode()
    assert [r["source"] for r in rows] == args
    for case, row in zip([*CASES, BY_ID["utf8"]], rows, strict=True):
        assert row["ok"] is (case.error is None), (case.id, row)
        assert row["error"] == case.error, case.id
    assert changed(before, snapshot(corpus, tmp_path)) == [], "extract writes nothing"
    failed = sum(not r["ok"] for r in rows)
    print(
        f"\n[extract] {len(rows)} files in one run: {len(rows) - failed} read, {failed} refused with a reason, "
        f"0 crashes, exit {proc.returncode}, {seconds:.1f} s"
    )


def test_build_over_the_whole_corpus_fails_bad_files_alone(corpus, tmp_path):
    out = tmp_path / "out"
    db = out / "fazhi.duckdb"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    before = snapshot(corpus, tmp_path)
    root = corpus / "名字" / "子 目录" / ".." / ".."  # the corpus folder, reached through `..`
    t0 = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "build",
            str(root),
            "--db",
            str(db),
            "--corrections",
            str(out / "corrections.csv"),
        ],
        cwd=cwd,
        capture_output=True,
        env=child_env(),
        text=True,
    )
    seconds = time.monotonic() - t0
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = dict(con.execute("SELECT report_id, jurisdiction FROM reports").fetchall())
        failed = dict(con.execute("SELECT source, error FROM ingest_log WHERE status = 'failed'").fetchall())
        assert run_checks(con) == []
    finally:
        con.close()
    good = [c for c in CASES if c.expected_build_error() is None and not c.hidden]
    for case in good:
        assert case.name in stored, case.id  # report_id: the path inside the folder, `..` and all
    for case in CASES:
        if case.expected_build_error():
            assert failed[str(root / case.name)] == case.expected_build_error(), case.id
    hidden = [c for c in CASES if c.hidden]
    assert len(stored) == len(good) and len(failed) == len(CASES) - len(good) - len(hidden)
    new = changed(before, snapshot(corpus, tmp_path))
    assert new and all(out in (Path(p), Path(p).parent) for p in new), f"written outside {out}: {new}"
    print(
        f"\n[build] {len(CASES)} awkward files: {len(stored)} stored, {len(failed)} refused with a reason, "
        f"{len(hidden)} dot files skipped as hidden, 0 crashes, {seconds:.1f} s; files written: {sorted(Path(p).name for p in new)}"
    )


def test_special_entries_in_the_folder_do_not_stop_the_build(tmp_path):
    """A name in GBK bytes (a zip made on Chinese Windows), a symlink loop, a symlink to itself and a
    FIFO given on the command line: the build finishes, names each problem and stores the rest."""
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copyfile(SAMPLES / HAIYAN, reports / HAIYAN)
    gbk_name = os.fsdecode("社旗县报告.txt".encode("gbk"))
    shutil.copyfile(SAMPLES / SHEQI, reports / gbk_name)
    (reports / "loop").symlink_to(".")
    (reports / "self.txt").symlink_to("self.txt")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    db = tmp_path / "out" / "fazhi.duckdb"
    t0 = time.monotonic()
    s = build_database([reports, fifo], db, corrections=tmp_path / "c.csv")
    seconds = time.monotonic() - t0
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = sorted(con.execute("SELECT report_id, source, jurisdiction FROM reports").fetchall())
    finally:
        con.close()
    assert stored == [
        ("haiyan_2024.txt", str(reports / HAIYAN), "海盐县"),
        ("社旗县报告.txt", str(reports / "社旗县报告.txt"), "社旗县"),
    ]
    assert dict(s.failed) == {
        str(reports / "self.txt"): "无法读取：Too many levels of symbolic links",
        str(fifo): "不是普通文件，无法导入",
    }
    assert seconds < 60
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(reports / gbk_name)],
        capture_output=True,
        env=child_env(),
        timeout=120,
    )
    assert proc.returncode == 0 and json.loads(proc.stdout.decode("utf-8", "surrogateescape"))["ok"]
    print(
        f"\n[special entries] GBK name stored as 社旗县报告.txt, symlink loop walked once, self-link and FIFO "
        f"refused with reasons; build {seconds:.1f} s"
    )


# --- size limits and memory -------------------------------------------------------------------------

MEASURE = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.call(sys.argv[2:], stdout=open(sys.argv[1], 'wb'), stderr=subprocess.STDOUT)\n"
    "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def run_measured(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, float]:
    """Run a command to the end: its exit code, its output (stdout and stderr) and the peak RSS in MB
    of it and its children. A small launcher starts it, since a child forked straight from pytest
    would report pytest's own size as its peak."""
    out_path = cwd / f"out-{time.monotonic_ns()}.txt"
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, str(out_path), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    rc, rss_kb = map(int, proc.stdout.split())
    text = out_path.read_text(encoding="utf-8", errors="replace")
    out_path.unlink()
    return rc, text, rss_kb / 1024


READ_ONE = (
    "import sys\nfrom pipeline.parse.process import process_file\n"
    "r = process_file(sys.argv[1])\nprint(r.ok, r.error)"
)


def test_200mb_and_300mb_inflating_files_are_refused_without_reading_them(corpus, tmp_path):
    env = child_env()
    small = corpus / BY_ID["utf8"].name
    figures = {}
    for label, path in (
        ("small", small),
        ("200MB", corpus / BY_ID["text-200mb"].name),
        ("bomb", corpus / BY_ID["docx-300mb-inflated"].name),
        ("lying", corpus / BY_ID["docx-lying-sizes"].name),
        ("lying+crc", corpus / BY_ID["docx-lying-sizes-and-crc"].name),
    ):
        rc, out, rss = run_measured([sys.executable, "-c", READ_ONE, str(path)], env, tmp_path)
        assert rc == 0, out
        figures[label] = (out.strip(), rss)
    assert figures["small"][0] == "True None"
    assert figures["200MB"][0] == "False 文件过大（超过 50 MB 上限）"
    assert figures["bomb"][0] == "False 文件解压后过大（超过 50 MB 上限）"
    assert figures["lying"][0] == figures["lying+crc"][0] == f"False {MSG_DOCX}"
    base = figures["small"][1]
    for label in ("200MB", "bomb", "lying", "lying+crc"):
        assert figures[label][1] < base + 16, f"{label}: peak RSS {figures[label][1]:.0f} MB vs {base:.0f} MB"
    # the build hashes every file (streamed) before parsing: the 200 MB file must not raise its memory
    builds = {}
    for label, extra in (("without", None), ("with", corpus / BY_ID["text-200mb"].name)):
        folder = tmp_path / f"reports_{label}"
        folder.mkdir()
        shutil.copyfile(SAMPLES / HAIYAN, folder / HAIYAN)
        if extra:
            os.link(extra, folder / "huge.txt")
        rc, err, rss = run_measured(
            [
                sys.executable,
                "-m",
                "pipeline",
                "build",
                str(folder),
                "--db",
                str(tmp_path / f"{label}.duckdb"),
                "--corrections",
                str(tmp_path / "c.csv"),
            ],
            env,
            tmp_path,
        )
        assert rc == 0, err
        builds[label] = rss
    assert "huge.txt：文件过大（超过 50 MB 上限）" in err
    assert builds["with"] < builds["without"] + 32
    print(
        "\n[size limit] peak RSS of a child reading one file: "
        + ", ".join(f"{k} {v[1]:.0f} MB" for k, v in figures.items())
        + f"; build without/with the 200 MB file {builds['without']:.0f}/{builds['with']:.0f} MB"
    )


def test_the_size_limit_is_configurable_for_extract_and_build(tmp_path):
    env = child_env(FAZHI_MAX_FILE_MB="1")
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copyfile(SAMPLES / HAIYAN, folder / HAIYAN)
    write_big_text(folder / "two_mb.txt", 2)
    write_docx_bomb(folder / "bomb.docx", 3)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "extract",
            str(folder / HAIYAN),
            str(folder / "two_mb.txt"),
            str(folder / "bomb.docx"),
        ],
        capture_output=True,
        env=env,
        text=True,
        cwd=tmp_path,
    )
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r["ok"], r["error"]) for r in rows] == [
        (True, None),
        (False, "文件过大（超过 1 MB 上限）"),
        (False, "文件解压后过大（超过 1 MB 上限）"),
    ]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "build",
            str(folder),
            "--db",
            str(tmp_path / "f.duckdb"),
            "--corrections",
            str(tmp_path / "c.csv"),
        ],
        capture_output=True,
        env=env,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "two_mb.txt：文件过大（超过 1 MB 上限）" in proc.stderr
    assert "bomb.docx：文件解压后过大（超过 1 MB 上限）" in proc.stderr
    write_big_text(tmp_path / "600kb.txt", 1)
    half = child_env(FAZHI_MAX_FILE_MB="0.5")  # fractional limits work too
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(folder / HAIYAN), str(tmp_path / "600kb.txt")],
        capture_output=True,
        env=half,
        text=True,
    )
    assert [json.loads(line)["error"] for line in proc.stdout.splitlines()] == [
        None,
        "文件过大（超过 0.5 MB 上限）",
    ]


def test_a_huge_limit_is_not_allocated(monkeypatch):
    """A limit far beyond RAM ("no limit") must not be allocated up front for every read."""
    monkeypatch.setenv("FAZHI_MAX_FILE_MB", "100000000")  # 100 TB
    result = process_file(SAMPLES / HAIYAN)
    assert result.ok and result.indicators["reconsideration_received"].value == 162


@pytest.mark.parametrize(
    "value", ["abc", "0", "-5", "nan", ""], ids=["word", "zero", "negative", "nan", "empty"]
)
def test_a_bad_size_limit_stops_the_build_and_keeps_the_database(tmp_path, value):
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in (HAIYAN, SHEQI):
        shutil.copyfile(SAMPLES / name, folder / name)
    db = tmp_path / "fazhi.duckdb"
    build_database([folder], db, corrections=tmp_path / "c.csv")
    before = db.read_bytes()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "build",
            str(folder),
            "--db",
            str(db),
            "--full",
            "--corrections",
            str(tmp_path / "c.csv"),
        ],
        capture_output=True,
        text=True,
        env=child_env(FAZHI_MAX_FILE_MB=value),
    )
    assert proc.returncode == 1
    assert f"环境变量 FAZHI_MAX_FILE_MB 须为大于 0 的数字（单位 MB），而不是 {value!r}" in proc.stderr
    assert "数据库未更新，旧数据库保持不变" in proc.stderr
    assert db.read_bytes() == before  # a bad limit used to fail every file and swap in an empty database


# --- 10,000 generated texts through normalise and extract -------------------------------------------

WORDS = [
    "行政复议",
    "受理",
    "收到",
    "新收",
    "办结",
    "审结",
    "纠错",
    "纠错率",
    "调撤率",
    "实质性化解率",
    "一审行政诉讼",
    "败诉率",
    "出庭应诉率",
    "负责人",
    "调解",
    "矛盾纠纷",
    "调解成功率",
    "诉前调解",
    "化解行政争议",
    "规范性文件",
    "审查",
    "重大行政决策",
    "执法案卷",
    "评查",
    "联合执法检查",
    "不予处罚",
    "首违不罚",
    "法律援助",
    "法律咨询",
    "常务会议",
    "学法",
    "案件",
    "申请",
    "同比",
    "下降",
    "增长",
    "其中",
    "全年",
    "共",
    "累计",
    "达到",
    "为",
    "至",
    "余",
    "多",
    "以上",
    "约",
    "左右",
    "近",
    "不足",
    "超过",
    "件",
    "次",
    "起",
    "宗",
    "卷",
    "份",
    "人次",
    "户次",
    "%",
    "％",
    "万元",
    "亿元",
    "元",
    "万",
    "亿",
    "千",
    "百分之",
    "百",
    "零",
    "〇",
    "一",
    "二",
    "两",
    "三",
    "十",
    "二十",
    "两千",
    "点",
    "2023年",
    "2024年",
    "2025年",
    "，",
    "。",
    "、",
    "；",
    "：",
    "（",
    "）",
    "\n",
    " ",
    "\u3000",
    "１２３",
    "４５．６",
    "復議",
    "辦結",
    "糾錯",
    "訴訟",
    "調解",
    "萬",
    "億",
    "\u200b",
    "\ufeff",
]
NUMBERS = st.one_of(
    st.integers(0, 10**15).map(str),
    st.integers(0, 10**6).map(lambda n: f"{n:,}"),
    st.decimals(0, 10**6, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.floats(0, 1e9, allow_nan=False).map(lambda f: f"{f:.3f}"),
)
CHINESE_WITH_NUMBERS = st.lists(st.one_of(st.sampled_from(WORDS), NUMBERS), max_size=80).map("".join)
SCRIPTS = st.characters(codec="utf-8", exclude_categories=("Cs",))  # every plane, combining marks, RTL
MIXED = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        NUMBERS,
        st.text(
            alphabet=st.characters(min_codepoint=0x0400, max_codepoint=0x06FF), max_size=8
        ),  # Cyrillic…Arabic
        st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=4),  # emoji
        st.text(
            alphabet=st.sampled_from("\u202e\u200f\u0301\u0300\ufe0f\u2028\u2029\x85\r\t\x00"), max_size=3
        ),
    ),
    max_size=60,
).map("".join)
# the indicator table's own example sentences with their figures swapped and words spliced in, so
# that extraction really fires (word salad alone rarely makes a value)
EXAMPLE_TEXTS = [e.text for ind in load_indicators() for e in ind.examples]
EXAMPLES = st.lists(
    st.tuples(st.sampled_from(EXAMPLE_TEXTS), NUMBERS, st.sampled_from(WORDS), st.booleans()),
    min_size=1,
    max_size=8,
).map(
    lambda parts: "".join(
        re.sub(r"\d+(?:\.\d+)?", n, t, count=1) + (w if splice else "") for t, n, w, splice in parts
    )
)
LONG_LINE = st.tuples(CHINESE_WITH_NUMBERS, st.integers(20, 200)).map(
    lambda t: (t[0].replace("\n", "，") or "受理行政复议案件162件") * t[1]
)
INPUTS = st.one_of(st.text(alphabet=SCRIPTS, max_size=400), CHINESE_WITH_NUMBERS, MIXED, EXAMPLES, LONG_LINE)
N_INPUTS = 10_000


@pytest.mark.slow
def test_10000_generated_texts_never_raise_and_offsets_hold():
    seen = {"inputs": 0, "chars": 0, "values": 0, "mentions": 0, "longest": 0}

    @settings(
        max_examples=N_INPUTS,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(INPUTS)
    def run(text: str) -> None:
        seen["inputs"] += 1
        seen["chars"] += len(text)
        seen["longest"] = max(seen["longest"], len(text))
        norm, script = normalise_text(text)
        assert script in ("simplified", "traditional")
        found = extract_indicators(norm, year=2024)
        for v in derive_indicators(found.values).values():
            if v.derived:
                assert v.start is None and v.end is None
                continue
            assert 0 <= v.start < v.end <= len(norm)
            assert is_figure_at(norm, v.start, v.end), (norm, v)
            assert norm[v.start : v.end] in v.evidence
            seen["values"] += 1
        for m in find_mentions(norm):
            assert 0 <= m.start < m.end <= len(norm)
            assert norm[m.start : m.end] in m.clause
            seen["mentions"] += 1

    t0 = time.monotonic()
    run()
    seconds = time.monotonic() - t0
    print(
        f"\n[property] {seen['inputs']:,} generated inputs ({seen['chars']:,} characters, longest "
        f"{seen['longest']:,}) through normalise → extract → derive → mentions in {seconds:.0f} s: "
        f"0 exceptions, {seen['values']:,} values and {seen['mentions']:,} mentions, every offset valid"
    )
    assert seen["inputs"] >= N_INPUTS
