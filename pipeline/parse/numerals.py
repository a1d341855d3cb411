"""Vocabularies for reading figures as written: numerals, multipliers, qualifiers, units.

Each vocabulary is a table with its own tests (tests/test_numerals.py). `parse_figure` turns the
figure text matched by pipeline.parse.patterns (e.g. `2万余`, `二十余`, `56.95`, `百分之百`) into a number
and a qualifier."""

from __future__ import annotations

import re
from decimal import Decimal

# The characters Chinese numerals are written with; cn2an reads them (二十, 两千, 一万二千, 二〇二四).
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"
DECIMAL_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}

# Multipliers written after Arabic digits: 2万, 1.2万, 4.29亿.
MULTIPLIERS = {"万": 10_000, "亿": 100_000_000, "千": 1000}

# Words around a figure that qualify it (spec: qualifier). Suffixes sit between the number and
# the unit (2万余件) or after the unit (100件以上); prefixes sit right before the number.
SUFFIX_QUALIFIERS = {"余": "over", "多": "over"}
AFTER_UNIT_QUALIFIERS = {
    "以上": "over",
    "左右": "approx",
    "余": "over",
    "多": "over",
    "以内": "under",
    "以下": "under",
}
PREFIX_QUALIFIERS = {
    "超过": "over",
    "逾": "over",
    "大约": "approx",
    "约": "approx",
    "将近": "under",
    "近": "under",
    "不足": "under",
    "不到": "under",
}

ROUND = frozenset("百千万")  # 上百, 上千, 上万: "more than" only before these

# Units a figure may carry, longest first so 户次 wins over 户. Money units turn into 万元.
COUNT_UNITS = (
    "户次",
    "人次",
    "场次",
    "件次",
    "家次",
    "批次",
    "件",
    "起",
    "宗",
    "个",
    "项",
    "次",
    "卷",
    "份",
    "场",
    "家",
    "户",
    "人",
    "条",
    "批",
    "名",
    "篇",
    "期",
    "所",
    "处",
    "部",
    "本",
    "天",
    "小时",
    "年",
)
RATE_UNITS = ("%",)
MONEY_UNITS = {"亿元": 10_000.0, "万元": 1.0, "元": 0.0001}


def cn_to_int(s: str) -> int:
    """Chinese numerals to an integer with cn2an: 二十 → 20, 两千 → 2000, 二〇二四 → 2024, 百 → 100."""
    import cn2an  # imported on first use: most reports write figures in Arabic digits

    if not s or any(c not in CN_NUMERAL_CHARS for c in s):
        raise ValueError(f"not a Chinese numeral: {s!r}")
    if s[0] in "百千":  # 百余件, 千余人: the leading 一 is implied
        s = "一" + s
    try:
        return int(cn2an.cn2an(s, "normal"))
    except Exception as e:  # cn2an signals malformed numerals (十十十) in several ways
        raise ValueError(f"not a well-formed Chinese numeral: {s!r}") from e


MAX_FIGURE_CHARS = 40  # no count, rate or amount is written longer (1,234,567,890.12万 is 17)
ARABIC = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)([万亿千]?)")


def parse_number(s: str) -> float | int:
    """A number as written, without qualifier: `1,234` → 1234, `1.2万` → 12000, `两千` → 2000."""
    s = s.strip()
    if len(s) > MAX_FIGURE_CHARS:  # not a figure; and converting it would take time quadratic in its length
        raise ValueError(f"figure too long: {len(s)} characters")
    if s.startswith("百分之"):
        s = s[3:]
        if s == "百":
            return 100
    m = ARABIC.fullmatch(s)
    if m:
        # Decimal, not float: 44.02万 is 440200, not 440200.0000000001 (which no count could be)
        num = Decimal(m.group(1).replace(",", "")) * MULTIPLIERS.get(m.group(2), 1)
        return int(num) if num == num.to_integral_value() else float(num)
    if "点" in s:  # 九十五点五
        whole, _, frac = s.partition("点")
        if not frac or any(c not in DECIMAL_DIGITS for c in frac):
            raise ValueError(f"not a Chinese decimal: {s!r}")
        digits = "".join(str(DECIMAL_DIGITS[c]) for c in frac)  # after 点 digits are read one by one
        return float(f"{cn_to_int(whole) if whole else 0}.{digits}")
    return cn_to_int(s)


def parse_figure(fig: str) -> tuple[float | int, str]:
    """A figure with its 余/多 suffix: `2万余` → (20000, 'over'), `30余万` → (300000, 'over');
    `56.95` → (56.95, 'exact')."""
    qualifier = "exact"
    if fig and fig[-1] in SUFFIX_QUALIFIERS:
        qualifier = SUFFIX_QUALIFIERS[fig[-1]]
        fig = fig[:-1]
    elif len(fig) > 2 and fig[-2] in SUFFIX_QUALIFIERS and fig[-1] in "万亿" and fig[-3].isdigit():
        qualifier = SUFFIX_QUALIFIERS[fig[-2]]  # 1750余万: over 17,500,000
        fig = fig[:-2] + fig[-1]
    return parse_number(fig), qualifier


def qualifier_around(text: str, start: int, end: int) -> str | None:
    """A qualifier written just before the figure or just after its unit, if any."""
    before = text[max(0, start - 2) : start]
    if (
        before.endswith("上")
        and text[start : start + 1] in ROUND
        and text[start + 1 : start + 2] not in CN_NUMERAL_CHARS
    ):
        return "over"  # 上百次, 上千件: more than a round number
    for word, q in PREFIX_QUALIFIERS.items():
        if before.endswith(word):
            return q
    after = text[end : end + 2]
    for word, q in AFTER_UNIT_QUALIFIERS.items():
        if after.startswith(word):
            return q
    return None
