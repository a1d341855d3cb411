"""Figures read from a statistics table by its header, not by prose patterns.

A table (one `| a | b |` line a row) either has one column per measure (收案 | 办结 | 纠错) and one
row per year or per unit, or one column per year and one row per measure. Only the jurisdiction's
own row is read: the report year's (else the latest year's) or the total row (合计, 全市); never a
unit's row. Labels map to keys through `[[table_label]]` in indicators.toml (rules as data); the
table's topic (复议, 诉讼) may come from the label, the header or the caption line above it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache

from pipeline.parse.indicators import TABLE
from pipeline.parse.records import Value

YEAR_CELL = re.compile(r"(20\d\d)\s*年?度?")
TOTAL_CELL = re.compile(r"(?:合计|总计|共计|总数|全[省市县区旗]|全[省市县区旗]合计|全年|全年合计|年度合计)")
NUMBER_CELL = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(件|起|宗|%)?")
CAPTION_LINES = 2


@dataclass(frozen=True)
class Label:
    pattern: re.Pattern
    topic: str  # a word that must be in the label, the header or the caption ("" for none)
    key: str
    kind: str  # "count" or "rate"


@cache
def load_labels() -> tuple[Label, ...]:
    raw = tomllib.loads(TABLE.read_text(encoding="utf-8"))
    return tuple(
        Label(re.compile(row["label"]), row.get("topic", ""), row["key"], row["kind"])
        for row in raw.get("table_label", [])
    )


def strength(lab: Label) -> int:
    """A label's rank in the table: for one key, an earlier label wins (受理 over 收案)."""
    return load_labels().index(lab)


def split_row(line: str) -> list[str] | None:
    """The cells of a table line (`| a | b |` or `a | b | c |`), or None for prose."""
    if line.count("|") < 2:
        return None
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return cells if len(cells) >= 2 else None


def label_key(label: str, context: str) -> Label | None:
    for lab in load_labels():
        if lab.pattern.search(label) and (not lab.topic or lab.topic in label or lab.topic in context):
            return lab
    return None


def table_values(text: str, year: int | None) -> dict[str, Value]:
    """The values of every statistics table in `text`, first table first."""
    if "|" not in text:
        return {}
    out: dict[str, Value] = {}
    lines = text.split("\n")
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    n = 0
    while n < len(lines):
        if split_row(lines[n]) is None:
            n += 1
            continue
        block = n
        while n < len(lines) and split_row(lines[n]) is not None:
            n += 1
        caption = "\n".join(lines[max(0, block - CAPTION_LINES) : block])
        rows = [(starts[i], lines[i], split_row(lines[i])) for i in range(block, n)]
        for key, value in read_table(rows, caption, year).items():
            out.setdefault(key, value)
    return out


def read_table(rows: list[tuple[int, str, list[str]]], caption: str, year: int | None) -> dict[str, Value]:
    """One table: by year columns (rows are measures) or by measure columns (rows are years/units)."""
    _, _, header = rows[0]
    context = caption + " ".join(header)
    years = {i: int(m[1]) for i, c in enumerate(header) if i and (m := YEAR_CELL.fullmatch(c))}
    out: dict[str, Value] = {}
    if len(years) >= 2:  # columns are years: the report year's column, else the latest
        col = next((i for i, y in years.items() if y == year), max(years, key=years.get))
        if year is not None and years[col] != year:
            return {}
        labelled = [(lab, r) for r in rows[1:] if (lab := label_key(r[2][0], context)) and col < len(r[2])]
        for lab, (start, line, cells) in sorted(labelled, key=lambda lr: strength(lr[0])):
            put(out, lab, start, line, cells, col)
        return out
    columns = {i: lab for i, c in enumerate(header) if i and (lab := label_key(c, context))}
    if not columns:
        return {}
    row = pick_row(rows[1:], year)
    if row is None:
        return {}
    start, line, cells = row
    for i, lab in sorted(columns.items(), key=lambda c: strength(c[1])):
        if i < len(cells):
            put(out, lab, start, line, cells, i)
    return out


def pick_row(rows, year):
    """The report year's row, else the latest year's when the rows are years; else the total row."""
    by_year = {int(m[1]): r for r in rows if (m := YEAR_CELL.fullmatch(r[2][0]))}
    if by_year:
        return by_year.get(year) if year is not None else by_year[max(by_year)]
    return next((r for r in rows if TOTAL_CELL.fullmatch(r[2][0])), None)


def put(out: dict[str, Value], lab: Label, start: int, line: str, cells: list[str], i: int) -> None:
    """One cell as a Value, when it is a plain number with a unit that fits the key."""
    m = NUMBER_CELL.fullmatch(cells[i])
    if not m or lab.key in out:
        return
    unit = m[3] or ("%" if lab.kind == "rate" else "件")
    if (lab.kind == "rate") != (unit == "%") or (lab.kind == "count" and m[2]):
        return
    number = float(m[1].replace(",", "") + (m[2] or ""))
    offset = start + cell_offset(line, i) + m.start()
    out[lab.key] = Value(
        key=lab.key,
        value=int(number) if lab.kind == "count" else number,
        unit=unit,
        qualifier="exact",
        derived=False,
        evidence=" ".join(line.split()),
        start=offset,
        end=offset + len(m[0]),
    )


def cell_offset(line: str, i: int) -> int:
    """Offset in `line` of the stripped text of cell i."""
    body_start = len(line) - len(line.lstrip())
    if line.lstrip().startswith("|"):
        body_start += 1
    pos = body_start
    for k, part in enumerate(line[body_start:].split("|")):
        if k == i:
            return pos + (len(part) - len(part.lstrip()))
        pos += len(part) + 1
    return pos
