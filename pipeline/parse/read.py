"""Read one report file (txt, html, docx or pdf, any Chinese encoding) into a Document.

The format is sniffed from the bytes, the extension is only a hint. Every failure is a ReadError
with a short reason in plain Chinese, so one bad file never stops a batch. Heavy libraries
(trafilatura, pypdf, python-docx) are imported only when a file needs them.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import re
import stat
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from html import unescape
from io import BytesIO
from pathlib import Path

from pipeline.parse.records import Document, MissingDependency, ReadError
from pipeline.parse.tables import render_row

# Lines of site furniture that survive article extraction on Chinese government pages.
# Only lines up to BOILERPLATE_MAX_LEN characters are tested, so report prose is never dropped.
BOILERPLATE = [
    re.compile(p)
    for p in (
        r"^(当前位置|您的位置|您现在的位置|所在位置)\s*[:：]",
        r"^首页\s*[>＞»/]",  # a bare breadcrumb
        r"^[|\s]*首页[|\s]*$",
        r"扫一扫在手机(上)?打开当前页|扫一扫在手机打开",
        r"版权所有|主办单位|承办单位|技术支持\s*[:：]|网站标识码|ICP备|公网安备|网站地图",
        r"打印本页|关闭窗口|【\s*(打印|关闭|收藏)\s*】|字号\s*[:：]?\s*[\[【]?\s*大\s*中\s*小",
        r"^(上一篇|下一篇|分享到|浏览次数|访问量)\s*[:：]?",
    )
]
BOILERPLATE_MAX_LEN = 100

BOMS = [(b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")]
# Legacy candidates and their common rows: (codec, punctuation lead bytes, level-1 hanzi lead bytes).
# Real text falls almost entirely inside them (measured ≥ 0.96 on the sample reports); Big5 read as
# GBK, or the reverse, falls ≤ 0.53. charset-normalizer was measured on Chinese text and returns
# nothing or Big5 for many short GBK texts and nothing for a GBK file with one bad byte, so it only
# decides for text in none of these encodings (decode_other).
COMMON_REGION: dict[str, tuple[str, int, int, int, int] | None] = {
    "gb18030": ("gb2312", 0xA1, 0xA3, 0xB0, 0xD7),
    "big5": ("big5", 0xA1, 0xA3, 0xA4, 0xC6),
    "cp950": ("cp950", 0xA1, 0xA3, 0xA4, 0xC6),
    "utf-8": None,  # UTF-8 with a few broken bytes, e.g. a file cut mid-character
}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
# pypdf decodes ToUnicode maps with "surrogatepass": a broken PDF can yield lone surrogates, which
# no UTF-8 writer (OpenCC, the database, stdout) accepts.
SURROGATE = re.compile("[\ud800-\udfff]")

MSG_BINARY = "文件不是可识别的文本（可能是二进制文件）"
# Below this many bytes a legacy decode is weak evidence: random bytes read as GB18030 land in the
# common rows half the time, so a short file must hold only characters a report is written in.
SHORT_BYTES = 400
PLAIN = re.compile(
    r"[\t\n\r\x20-\x7e\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\U00020000-\U0003134f]+"
)
HAN = re.compile(r"[\u4e00-\u9fff\U00020000-\U0003134f]")
MSG_EMPTY = "文件是空的"


def read_document(path: str | Path, max_bytes: int = 50 * 1024 * 1024) -> Document:
    """Read and decode one report file; raise ReadError with a plain-Chinese reason if it cannot be."""
    data = read_bytes(Path(path), max_bytes)
    fmt, encoding, title = "txt", None, None
    try:
        fmt = sniff_format(data, Path(path).suffix.lower())
        if fmt == "pdf":
            text = read_pdf(data)
        elif fmt == "docx":
            text, title = read_docx(data, max_bytes)
        elif fmt == "html":
            text, encoding, title = read_html_bytes(data)
        else:
            text, encoding = read_txt_bytes(data)
    except (ReadError, MissingDependency):
        raise
    except ImportError as e:  # a broken install, not a bad file: stop and name the package
        raise MissingDependency(e.name or str(e)) from e
    except RecursionError:
        raise ReadError(
            "网页结构过于复杂，无法提取正文" if fmt == "html" else "文件结构过于复杂，无法读取"
        ) from None
    except Exception as e:  # a bad file must never crash the batch
        raise ReadError(f"无法读取该文件：{type(e).__name__} {str(e)[:80]}".strip()) from e
    text = SURROGATE.sub("\ufffd", text)  # what the file says, as valid text; normalise does the rest
    title = SURROGATE.sub("\ufffd", title) if title else title
    if not text.strip():
        raise ReadError(MSG_EMPTY)
    return Document(
        source=str(path),
        format=fmt,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        title=title or None,
    )


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; the size limit is checked from os.stat before anything is read."""
    too_big = ReadError(f"文件过大（超过 {max_bytes / 2**20:g} MB 上限）")
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise ReadError("这是一个文件夹，不是文件")
        if not stat.S_ISREG(st.st_mode):
            raise ReadError("无法读取该文件：不是普通文件")
        if st.st_size > max_bytes:
            raise too_big
        with open(path, "rb") as f:  # read(n) allocates n bytes: ask for the size, not the limit
            data = f.read(min(st.st_size, max_bytes) + 1)
            while len(data) <= max_bytes and (more := f.read(min(1 << 20, max_bytes + 1 - len(data)))):
                data += more  # the file grew since stat
    except FileNotFoundError:
        raise ReadError("找不到文件") from None
    except PermissionError:
        raise ReadError("文件无法读取（没有权限）") from None
    except OSError as e:
        raise ReadError(f"无法读取该文件：{e.strerror or e}") from None
    if len(data) > max_bytes:
        raise too_big
    return data


def sniff_format(data: bytes, suffix: str = "") -> str:
    """'pdf', 'docx', 'html' or 'txt', from the content; the extension only breaks ties."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReadError("不支持旧版 Word（.doc）格式，请另存为 .docx")
    if data[:4] == b"PK\x03\x04":
        import zipfile

        try:
            names = zipfile.ZipFile(BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            names = ["word/document.xml"] if suffix == ".docx" else []
        return "docx" if "word/document.xml" in names else "txt"  # other zips fail as binary
    head = data[:65536]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head.decode("utf-16", "ignore").encode("utf-8", "ignore")
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if head[:1] == b"<" and re.search(rb"<!doctype html|<html|<body", head, re.I):
        return "html"
    if suffix in (".html", ".htm", ".shtml", ".xhtml") and re.search(rb"<(p|div|br|table)\b", head, re.I):
        return "html"
    return "txt"


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes of unknown encoding: a BOM, else strict UTF-8, else the best-scoring candidate.
    NUL bytes and other control characters count against a candidate, so binary files fail here."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name.removesuffix("-sig"), "replace"), name
    try:
        return data.decode("utf-8"), "utf-8"  # the fast path: most files
    except UnicodeDecodeError:
        pass
    # Lenient decodes, so a file cut mid-character or with one bad byte still reads; on a tie the
    # first candidate (gb18030, as mainland reports are the common case) wins.
    share, name, text = max(
        (
            (common_share(text[:20000], name), name, text)
            for name in COMMON_REGION
            for text in [data.decode(name, "replace")]
        ),
        key=lambda c: c[0],
    )
    if share >= 0.5 and (len(data) >= SHORT_BYTES or plain_text(text)):
        return text, name
    return decode_other(data)


def plain_text(text: str) -> bool:
    """Nearly every character is one a report is written in (ASCII, CJK ideographs and punctuation;
    one odd character, such as a byte cut mid-character, may pass), with at least one ideograph:
    random bytes read as GB18030 or Big5 give rare blocks, private use and replacement characters."""
    odd = len(PLAIN.sub("", text))
    return odd <= max(1, len(text) // 50) and HAN.search(text) is not None


def decode_other(data: bytes) -> tuple[str, str]:
    """Text in none of the Chinese encodings: charset-normalizer's pick if it reads cleanly, else binary."""
    if len(data) < SHORT_BYTES and sum(32 <= b < 127 or b in b"\t\n\r" for b in data) < 0.8 * len(data):
        raise ReadError(MSG_BINARY)  # too little to tell from noise: 10 random bytes "read" as cp1250
    from_bytes = require("charset_normalizer", "charset-normalizer").from_bytes

    best = from_bytes(data[:65536]).best()
    if best is None or best.chaos > (0.2 if len(data) >= SHORT_BYTES else 0.1):
        raise ReadError(MSG_BINARY)
    return data.decode(best.encoding, "replace"), best.encoding


def common_share(text: str, name: str) -> float:
    """Share of non-ASCII characters inside the encoding's common rows (any valid one for UTF-8)."""
    codec, p0, p1, h0, h1 = COMMON_REGION[name] or ("utf-8", 0, 0xFF, 0, 0xFF)  # any valid UTF-8 counts
    seen = good = 0
    for ch, n in Counter(text).items():  # each distinct character once: a report uses ~1,000
        if ch < "\x80":
            seen += n if ch < " " and ch not in "\t\n\r\f" else 0  # control characters count against
            continue
        seen += n
        if ch == "\ufffd":
            continue
        try:
            lead = ch.encode(codec)[0]
        except UnicodeEncodeError:
            continue
        good += n if p0 <= lead <= p1 or h0 <= lead <= h1 else 0
    return good / seen if seen else 1.0


def read_txt_bytes(data: bytes) -> tuple[str, str]:
    """Plain text: decoded, refusing binary files (control characters beyond a stray few)."""
    text, encoding = decode_text(data)
    if looks_binary(text):
        raise ReadError(MSG_BINARY)
    return text, encoding


def looks_binary(text: str) -> bool:
    """More than 1 % control or replacement characters in the first 20,000 (a couple always pass)."""
    sample = text[:20000]
    return len(CONTROL.findall(sample)) > max(2, len(sample) // 100)


def read_html_bytes(data: bytes) -> tuple[str, str, str | None]:
    """A saved web page: the article text without navigation, scripts and footers, and its title."""
    page, encoding = decode_html(data)
    text = None
    trafilatura = require("trafilatura")
    from trafilatura.settings import use_config

    try:  # trafilatura failing on a page (even RecursionError) is not fatal: the fallback follows
        config = use_config()
        config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "10")  # short pages must not fall to the baselines
        text = trafilatura.extract(
            page,
            config=config,
            include_tables=True,
            include_comments=False,
            favor_recall=True,
            deduplicate=False,
        )
    except Exception:  # noqa: BLE001 - any failure of the extractor on this page: the regex fallback
        text = None
    text = drop_boilerplate(text if text and text.strip() else render_body_text(page))
    if not text.strip():
        raise ReadError("网页中没有找到正文")
    return text, encoding, find_html_title(page)


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode a page: BOM, strict UTF-8, then the charset the page declares, then detection."""
    if not data.startswith(tuple(bom for bom, _ in BOMS)):
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        m = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", data[:8192], re.I)
        declared = m.group(1).decode("ascii").lower() if m else ""
        declared = "gb18030" if declared in ("gb2312", "gbk", "x-gbk") else declared
        if declared in ("gb18030", "big5", "cp950", "big5hkscs"):  # a declared latin-1 is usually wrong
            try:
                return data.decode(declared), declared
            except UnicodeDecodeError:
                pass
    return decode_text(data)


def render_body_text(page: str) -> str:
    """Plain text of <body> minus script/style/nav/header/footer; regex-based so depth cannot hurt."""
    body = re.sub(r"(?is)<!--.*?-->|<(script|style|nav|header|footer|noscript|head)\b.*?</\1\s*>", " ", page)
    body = re.sub(r"(?i)<(br|/?p|/?div|/?li|/?tr|/?h\d|/?table|/?section|/?article)\b[^>]*>", "\n", body)
    # inline runs (<span>5</span><span>8</span>件) join without a space: a figure split by a word
    # processor's runs is one figure again; every other tag still parts words
    body = re.sub(r"(?i)</?(?:span|font|b|strong|i|em|u|sup|sub|small|big|o:p)\b[^>]*>", "", body)
    body = unescape(re.sub(r"<[^>]*>", " ", body))
    return "\n".join(" ".join(line.split()) for line in body.split("\n") if line.strip())


def drop_boilerplate(text: str) -> str:
    """Remove the short site-furniture lines listed in BOILERPLATE."""
    keep = [
        line
        for line in text.split("\n")
        if len(line) > BOILERPLATE_MAX_LEN or not any(p.search(line.strip()) for p in BOILERPLATE)
    ]
    return "\n".join(keep)


def find_html_title(page: str) -> str | None:
    """The <title> without the site name ('报告_某某市人民政府' → '报告'), else the first <h1>."""
    for tag in ("title", "h1"):
        m = re.search(rf"(?is)<{tag}\b[^>]*>(.*?)</{tag}\s*>", page)
        raw = " ".join(unescape(re.sub(r"<[^>]*>", "", m.group(1))).split()) if m else ""
        if raw:
            return max(re.split(r"\s*(?:_|\||｜| - | — )\s*", raw), key=len)
    return None


def read_docx(data: bytes, max_bytes: int) -> tuple[str, str | None]:
    """Paragraphs of a Word file in document order, one per line (a table row as `| a | b |`), and
    its title."""
    import zipfile

    docx = require("docx", "python-docx")
    from docx.table import Table
    from lxml.etree import XMLSyntaxError

    try:
        doc = docx.Document(BytesIO(unpack_zip(data, max_bytes)))
    except (zipfile.BadZipFile, KeyError, XMLSyntaxError, ValueError, AttributeError, TypeError):
        raise ReadError("Word 文件已损坏，无法读取") from None  # AttributeError: a package without its parts
    lines: list[str] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen, cells = set(), []  # a merged cell appears once per grid column it spans
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(cell.text)
                lines.append(render_row(cells) if len(cells) > 1 else cells[0] if cells else "")
        else:
            lines.append(block.text)
    text = "\n".join(line.strip() for line in lines if line.strip())
    return text, (doc.core_properties.title or "").strip() or None


def unpack_zip(data: bytes, max_bytes: int) -> bytes:
    """The archive re-packed uncompressed, each member inflated a chunk at a time: a zip bomb is
    refused before anything is extracted, even one whose headers understate its sizes (zipfile's
    read() inflates such a member whole before cutting it to the stated size; chunked reads stop
    there, and the cut member fails its CRC or its XML)."""
    import zipfile
    import zlib

    broken = ReadError("Word 文件已损坏，无法读取")
    try:
        src = zipfile.ZipFile(BytesIO(data))
        infos = [i for i in src.infolist() if not i.is_dir()]
        if sum(i.file_size for i in infos) > max_bytes:
            raise ReadError(f"文件解压后过大（超过 {max_bytes / 2**20:g} MB 上限）")
        out = BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
            for info in infos:
                with (
                    src.open(info) as f,
                    dst.open(info.filename, "w", force_zip64=info.file_size > 2**30) as g,
                ):
                    while chunk := f.read(1 << 20):
                        g.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        raise broken from None  # RuntimeError: a member encrypted with a password
    return out.getvalue()


def read_pdf(data: bytes) -> str:
    """The text layer of a PDF, pages joined by newlines, with wrapped lines rejoined."""
    require("pypdf")
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        with quiet_pypdf():
            reader = PdfReader(BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise ReadError("PDF 已加密，无法读取")
            pages = [unwrap_lines(page.extract_text() or "") for page in reader.pages]
    except (DependencyError, FileNotDecryptedError):
        raise ReadError("PDF 已加密，无法读取") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        raise ReadError("PDF 文件已损坏或不完整") from None
    text = "\n".join(pages).translate(kangxi_table())
    if len("".join(text.split())) < 20 * max(1, len(pages)):
        raise ReadError("PDF 没有文字层（可能是扫描件）")
    return text


@contextmanager
def quiet_pypdf() -> Iterator[None]:
    """pypdf reports what it repairs (\"Ignoring wrong pointing object\", \"incorrect startxref\") through
    logging and warnings, which would reach the terminal raw: a damaged PDF's outcome is our ReadError."""
    logger = logging.getLogger("pypdf")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.CRITICAL + 1)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
        logger.propagate = propagate


def require(module: str, package: str | None = None):
    """Import a reader's library, or stop with MissingDependency naming the package to install."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise MissingDependency(package or module) from e


@cache
def kangxi_table() -> dict[int, str]:
    """Map Kangxi radicals (U+2F00–U+2FD5), which some PDFs use for 一, 人 …, to the ordinary ideographs."""
    import unicodedata

    return {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)}


def unwrap_lines(page: str) -> str:
    """Rejoin lines the PDF wrapped at the margin: a near-full-width line not ending a sentence."""
    lines = page.split("\n")
    if len(lines) < 5:
        return page
    full = sorted(len(line) for line in lines)[int(0.9 * (len(lines) - 1))]
    out: list[str] = []
    joining = False
    for line in lines:
        if joining:
            out[-1] += line
        else:
            out.append(line)
        joining = len(line) >= 0.8 * full and not line.rstrip().endswith(("。", "！", "？", "；", "：", ":"))
    return "\n".join(out)
