"""Every figure in a report with its unit, qualifier and clause, for searching what no key covers."""

from __future__ import annotations

from pipeline.parse.extract import evidence_clause
from pipeline.parse.numerals import MONEY_UNITS, parse_figure, qualifier_around
from pipeline.parse.patterns import iter_figures
from pipeline.parse.records import Mention

ASCII_DIGITS = frozenset("0123456789")
# A report states a few hundred figures (the longest sample ~200). A file with far more is a log or a
# data dump, not prose: its first MAX_MENTIONS are kept, the rest would only swell the database.
MAX_MENTIONS = 20_000


def find_mentions(text: str) -> list[Mention]:
    """All numbers as written. Chinese numerals count only with a unit and at least two characters
    (二十余次 is a figure; 二十大, 三项制度 and 五个一 are names). At most MAX_MENTIONS."""
    out: list[Mention] = []
    for m in iter_figures(text):
        if len(out) >= MAX_MENTIONS:
            break
        fig, unit = m.group("fig"), m.group("unit") or ""
        if not ASCII_DIGITS.intersection(fig) and (not unit or len(fig) < 2):
            continue
        try:
            value, qualifier = parse_figure(fig)
        except (
            ValueError,
            KeyError,
            ArithmeticError,
        ):  # ArithmeticError: a giant figure overflows Decimal too
            continue
        start, end = m.start("fig"), m.end()
        if qualifier == "exact":
            qualifier = qualifier_around(text, start, end) or "exact"
        if unit in MONEY_UNITS:  # money is kept in 万元 (spec: value conventions)
            value, unit = round(value * MONEY_UNITS[unit], 6), "万元"
        out.append(
            Mention(
                value=value,
                unit=unit,
                qualifier=qualifier,
                clause=evidence_clause(text, start, end),
                start=start,
                end=end,
            )
        )
    return out
