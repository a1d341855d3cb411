"""Every normalisation of a report's text, in one stage: line endings, table rows (the latest year's
column first), full-width → ASCII, spaces inside figures, traditional → simplified (OpenCC), numerals
in years. Offsets in the output point into the normalised text, so this runs once, before anything
looks for figures. The script of the source is recorded from how much OpenCC had to change."""

from __future__ import annotations

import re
from functools import cache

from pipeline.parse.records import Document, Normalised
from pipeline.parse.tables import latest_year_first

# Full-width ASCII variants (U+FF01–U+FF5E) and the ideographic space map to plain ASCII;
# Chinese punctuation that has no ASCII twin (。、《》“”) stays as it is.
FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xA0: 0x20}
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)
TRANSLATE = FULL_WIDTH | ZERO_WIDTH

# A text is traditional when OpenCC changes at least this share of its Han characters; a few
# changes happen in simplified text too (variants such as 着/著), so the bar is well above zero.
TRADITIONAL_SHARE = 0.04


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """OpenCC's traditional → simplified conversion alone (for tables of names, not report text)."""
    return _t2s().convert(text)


def normalise_document(doc: Document) -> Normalised:
    """The document's text and title, each normalised once."""
    text, script = normalise_text(doc.text)
    title = normalise_text(doc.title)[0] if doc.title else None
    return Normalised(text, script, title)


# A year in Chinese numerals (二〇二二年) becomes digits, one character for one, so every rule that
# reads a year (the report year, another year's figure) sees it and offsets stay the same.
CN_YEAR = re.compile("[二两][〇零○][〇零○一二三四五六七八九]{2}(?=年)")
CN_DIGITS = str.maketrans("〇零○一二两三四五六七八九", "000122345678" + "9")

# Spaces between a Chinese character and a digit come from a page's <span> runs or a PDF's layout
# (办结 55 件); they are dropped so the figure meets its words. Digit-space-digit stays (two numbers).
SPACED_FIGURE = re.compile(r"(?<=[\u4e00-\u9fff])[ \t]+(?=\d)|(?<=\d)[ \t]+(?=[\u4e00-\u9fff%])")

NEEDS_TRANSLATE = re.compile("[\uff01-\uff5e\u3000\u00a0\u200b-\u200d\ufeff\u00ad]")
HAN = re.compile("[\u4e00-\u9fff]")


def normalise_text(text: str) -> tuple[str, str]:
    """Return (normalised text, script) where script is 'simplified' or 'traditional'."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = latest_year_first(text)  # a table row is a line by now: its columns reordered, not resized
    if NEEDS_TRANSLATE.search(text):  # str.translate is slow on CJK text: only when needed
        text = text.translate(TRANSLATE)
    if " " in text or "\t" in text:
        text = SPACED_FIGURE.sub("", text)
    converted = _t2s().convert(text)
    script = detect_script(text, converted)
    if "覆议" in converted:  # 覆議, a variant some traditional pages write for 復議
        converted = converted.replace("覆议", "复议")
    if "〇" in converted or "○" in converted or "零" in converted:
        converted = CN_YEAR.sub(lambda m: m.group().translate(CN_DIGITS), converted)
    return converted, script


def detect_script(original: str, simplified: str) -> str:
    """'traditional' when conversion to simplified changed a real share of the Han characters."""
    if original == simplified:
        return "simplified"
    if len(original) != len(simplified):  # phrase conversions changed length: clearly traditional
        return "traditional"
    changed = sum(map(str.__ne__, original, simplified))
    han = len(HAN.findall(original))
    return "traditional" if han and changed / han >= TRADITIONAL_SHARE else "simplified"
