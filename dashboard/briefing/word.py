"""Chinese typography for the briefing in python-docx: A4 with 公文 margins, East Asian fonts set
through w:eastAsia (仿宋 body, 黑体 headings, 宋体 tables), page numbers, tables whose rows never
split across pages and whose header row repeats — what opens cleanly in Word and WPS."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

BODY, HEADING, TABLE, LATIN = "仿宋", "黑体", "宋体", "Times New Roman"
BODY_PT, TABLE_PT = 14, 9  # 四号 body, 小五 tables
KEEP_ROWS = 15  # tables up to this many rows are kept on one page (a longer one breaks between rows)
TEXT_WIDTH = Cm(21.0 - 2.8 - 2.6)
TEXT_HEIGHT = Cm(29.7 - 3.7 - 3.5)


def set_fonts(target, east_asia: str, latin: str = LATIN) -> None:
    """Set a style's or run's fonts: Latin through w:ascii/w:hAnsi, Chinese through w:eastAsia."""
    rpr = target.element.get_or_add_rPr() if hasattr(target, "element") else target._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin), ("w:eastAsia", east_asia)):
        fonts.set(qn(attr), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _style(doc, name: str, east_asia: str, size: float, bold: bool = False, colour: str = "000000"):
    style = doc.styles[name]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor.from_string(colour)
    set_fonts(style, east_asia)
    return style


def new_document(title: str):
    """An empty A4 document with the briefing's styles, language and page-number footer."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.0)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    for attr in list(fonts.attrib):  # the template's theme fonts (Calibri / MS 明朝) out, ours in
        del fonts.attrib[attr]
    for attr, name in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:cs", LATIN), ("w:eastAsia", BODY)):
        fonts.set(qn(attr), name)
    normal = _style(doc, "Normal", BODY, BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(25)
    fmt.space_before = fmt.space_after = Pt(0)
    _style(doc, "Title", HEADING, 22)
    _style(doc, "Heading 1", HEADING, 16)
    _style(doc, "Heading 2", HEADING, 14)
    _style(doc, "Caption", HEADING, 10.5, colour="333333")
    for name in ("Title", "Heading 1", "Heading 2", "Caption"):
        pf = doc.styles[name].paragraph_format
        pf.line_spacing = 1.0  # single: exact spacing would clip a large title
        pf.space_before, pf.space_after = Pt(10 if name != "Caption" else 6), Pt(6)
        pf.keep_with_next = True
    title_ppr = doc.styles["Title"].element.find(qn("w:pPr"))
    border = title_ppr.find(qn("w:pBdr")) if title_ppr is not None else None
    if border is not None:  # the template's Title has a rule under it; a 简报 title has none
        title_ppr.remove(border)
    doc.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.core_properties.title = title
    doc.core_properties.author = "法治对标"
    doc.core_properties.language = "zh-CN"
    _page_numbers(section)
    return doc


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE) as begin / instruction / separate / result / end runs."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == instruction:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        else:
            run.text = text


def _page_numbers(section) -> None:
    """— 1 — centred in the footer, in 宋体 (the 公文 way of numbering pages)."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    _field(p, "PAGE")
    p.add_run(" —")
    for run in p.runs:
        run.font.size = Pt(12)
        set_fonts(run, TABLE)


def heading(doc, text: str, level: int = 1):
    return doc.add_paragraph(text, style="Title" if level == 0 else f"Heading {level}")


def para(doc, text: str, *, indent: bool = True, size: float | None = None, align=None):
    """A body paragraph in 仿宋, first line indented two characters."""
    p = doc.add_paragraph()
    run = p.add_run(text)
    if size:
        run.font.size = Pt(size)
    if indent:
        p.paragraph_format.first_line_indent = Pt(2 * (size or BODY_PT))
    if align is not None:
        p.alignment = align
    return p


def caption(doc, text: str, *, keep: bool = True):
    p = doc.add_paragraph(text, style="Caption")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = keep
    return p


def picture(doc, png: bytes, pixels: tuple[int, int]):
    """The PNG centred at text width, shrunk so that it fits a page with its caption."""
    width, height = TEXT_WIDTH, int(TEXT_WIDTH * pixels[1] / pixels[0])
    limit = int(TEXT_HEIGHT * 0.86)
    if height > limit:
        width, height = int(width * limit / height), limit
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing = 1.0  # Word clips an inline picture to an exact line height
    p.paragraph_format.keep_with_next = True
    p.add_run().add_picture(io.BytesIO(png), width=Emu(width), height=Emu(height))
    return p


def _row_props(row, header: bool) -> None:
    """Every row: cantSplit (never broken across pages); the first: tblHeader (repeated on each page)."""
    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",):
        el = OxmlElement(tag)
        trpr.append(el)


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _cell_text(cell, text: str, *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    """Lines of a cell (split on \\n) in 宋体, single-spaced; the first line plain, later lines grey."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    p.alignment = align
    pf = p.paragraph_format
    pf.first_line_indent, pf.line_spacing = None, 1.0
    pf.space_before = pf.space_after = Pt(1)
    for n, line in enumerate(str(text).split("\n")):
        if n:
            p.add_run().add_break()
        run = p.add_run(line)
        run.font.size = Pt(TABLE_PT if n == 0 else TABLE_PT - 1)
        run.font.bold = bold
        if n and not bold:
            run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        set_fonts(run, HEADING if bold else TABLE)


def table(
    doc, header: list[str], rows: list[list[str]], widths_cm: list[float], *, left: tuple[int, ...] = (0,)
):
    """A grid table: bold shaded header repeated on every page, rows that never split, centred cells
    (columns in `left` left-aligned), fixed column widths that add up to the text width."""
    t = doc.add_table(rows=1 + len(rows), cols=len(header))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for c, w in enumerate(widths_cm):
        t.columns[c].width = Cm(w)
    for r, values in enumerate([header, *rows]):
        row = t.rows[r]
        _row_props(row, header=r == 0)
        for c, text in enumerate(values):
            cell = row.cells[c]
            cell.width = Cm(widths_cm[c])
            if r == 0:  # before the text: w:shd must precede the w:vAlign that _cell_text sets
                _shade(cell, "E7EDF3")
            align = WD_ALIGN_PARAGRAPH.LEFT if (r and c in left) else WD_ALIGN_PARAGRAPH.CENTER
            _cell_text(cell, text, bold=r == 0, align=align)
            if len(rows) <= KEEP_ROWS and r < len(rows):  # a short table stays on one page
                cell.paragraphs[0].paragraph_format.keep_with_next = True
    doc.add_paragraph().paragraph_format.space_after = Pt(4)
    return t


def to_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
