"""Table rows as reports print them (`| 指标 | 2022年 | 2021年 |`, one line a row), ordered so the
report's own year comes first.

A report often closes with a table of its figures beside last year's. The extractor reads a row
left to right and stops at the first value, so the latest year's column is moved to the front of
every row of such a table (the header moves with it and still labels each column)."""

from __future__ import annotations

import re

YEAR_CELL = re.compile(r"(20\d\d)\s*年?度?")


def render_row(cells: list[str]) -> str:
    """One table row as one line, the way HTML tables come out of the page reader."""
    return "| " + " | ".join(" ".join(c.split()) for c in cells) + " |"


def cells_of(line: str) -> list[str] | None:
    """The cells of a `| a | b |` line, or None when the line is not a table row."""
    s = line.strip()
    if not (s.startswith("|") and s.endswith("|") and s.count("|") >= 3):
        return None
    return [c.strip() for c in s[1:-1].split("|")]


def latest_year_first(text: str) -> str:
    """Every table whose header names years, with the latest year's column moved first."""
    if "|" not in text:
        return text
    lines = text.split("\n")
    order: list[int] | None = None
    width = 0
    for n, line in enumerate(lines):
        cells = cells_of(line)
        if cells is None:
            order = None
            continue
        years = {i: int(m[1]) for i, c in enumerate(cells) if i and (m := YEAR_CELL.fullmatch(c))}
        if len(years) >= 2:  # a header row: keep its order for the rows below it
            latest = max(years, key=years.get)
            order, width = [0, latest, *(i for i in range(1, len(cells)) if i != latest)], len(cells)
        if order is not None and len(cells) == width:
            lines[n] = render_row([cells[i] for i in order])
    return "\n".join(lines)
