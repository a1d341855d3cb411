"""Manual corrections: data/corrections.csv, appended to by the dashboard, applied on every build.

The CSV is the only home of a correction (the database is rebuilt from it), so a malformed row
stops the build with the file and row named rather than being skipped."""

from __future__ import annotations

import csv
import fcntl
import io
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.parse.indicators import Indicator, indicator_map

COLUMNS = ("report_id", "field", "new_value", "reason", "who", "at")
REQUIRED_COLUMNS = ("report_id", "field", "new_value", "reason", "at")
METADATA_FIELDS = ("jurisdiction", "province", "city", "county", "level", "year", "title", "department")
LEVELS = ("national", "province", "prefecture", "county", "township", "department")
YEARS = (1978, 2100)


class CorrectionsError(ValueError):
    """The corrections file is malformed; the message names the file and the row."""


@dataclass(frozen=True)
class Correction:
    """One row of corrections.csv: set `field` of report `report_id` to `new_value` (None: remove)."""

    report_id: str
    field: str
    new_value: str | None
    reason: str
    who: str | None
    at: datetime
    line: int = 0  # line in the CSV (the header is line 1), for messages

    def parsed_value(self) -> float | int | str | None:
        """The new value typed for its field (number for an indicator, int for year)."""
        return parse_value(self.field, self.new_value)


def parse_value(field: str, raw: str | None) -> float | int | str | None:
    """Check and type a new value for `field`; raises ValueError with a Chinese reason."""
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    ind = indicator_map().get(field)
    if ind is not None:
        return _parse_indicator_value(ind, raw)
    if field not in METADATA_FIELDS:
        raise ValueError(
            f"未知字段 {field!r}：须为指标键（如 reconsideration_received）或报告信息字段 "
            f"（{'、'.join(METADATA_FIELDS)}）"
        )
    if field == "year":
        if not raw.isascii() or not raw.isdigit() or not YEARS[0] <= int(raw) <= YEARS[1]:
            raise ValueError(f"年份须为 {YEARS[0]}–{YEARS[1]} 之间的四位数字，而不是 {raw!r}")
        return int(raw)
    if field == "level" and raw not in LEVELS:
        raise ValueError(f"层级须为 {'、'.join(LEVELS)} 之一，而不是 {raw!r}")
    return raw


def _parse_indicator_value(ind: Indicator, raw: str) -> float | int:
    """A number in the stored unit of the indicator (件 / % / 万元), inside its plausible range."""
    text = raw.replace(",", "").replace("，", "").strip()
    if ind.kind == "rate":
        text = text.removesuffix("%").strip()
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{ind.name}须为数字（单位：{ind.unit}），而不是 {raw!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{ind.name}须为有限的数字，而不是 {raw!r}")
    if ind.kind == "count":
        if value != int(value):
            raise ValueError(f"{ind.name}是件数，须为整数，而不是 {raw!r}")
        value = int(value)
    if ind.kind == "rate" and not 0 <= value <= 100:
        raise ValueError(f"{ind.name}是百分比，须在 0–100 之间，而不是 {raw!r}")
    lo, hi = ind.range
    if not lo <= value <= hi:
        raise ValueError(f"{ind.name}应在 {lo:g}–{hi:g} {ind.unit}之间，{raw!r} 超出合理范围")
    return value


def read_corrections(csv_path: Path) -> list[Correction]:
    """All corrections in file order (a later row for the same report and field wins).

    A missing file means no corrections; a malformed one raises CorrectionsError naming the row."""
    csv_path = Path(csv_path)
    if not csv_path.exists():
        return []
    try:
        text = csv_path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise CorrectionsError(f"更正文件 {csv_path} 无法读取（须为 UTF-8 编码的 CSV）：{e}") from e
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if header and missing:
        raise CorrectionsError(
            f"更正文件 {csv_path} 第 1 行（表头）缺少列：{'、'.join(missing)}；表头应为 {','.join(COLUMNS)}"
        )
    out = []
    for row in reader:
        line = reader.line_num
        if not any((v or "").strip() for k, v in row.items() if k is not None):
            continue  # a blank line
        try:
            out.append(_read_row(row, line))
        except ValueError as e:
            raise CorrectionsError(f"更正文件 {csv_path} 第 {line} 行：{e}") from None
    return out


def _read_row(row: dict, line: int) -> Correction:
    if row.get(None):
        raise ValueError(f"多出 {len(row[None])} 列（含逗号的内容须加英文双引号）")
    get = {k: (row.get(k) or "").strip() for k in COLUMNS}
    if not get["report_id"]:
        raise ValueError("缺少 report_id（报告编号）")
    if not get["field"]:
        raise ValueError("缺少 field（要更正的指标键或报告信息字段）")
    if not get["reason"]:
        raise ValueError("缺少 reason（更正原因）")
    parse_value(get["field"], get["new_value"])
    try:
        at = datetime.fromisoformat(get["at"])
    except ValueError:
        raise ValueError(f"时间 at 须写成 2024-05-01 10:30:00 这样的格式，而不是 {get['at']!r}") from None
    return Correction(
        report_id=get["report_id"],
        field=get["field"],
        new_value=get["new_value"] or None,
        reason=get["reason"],
        who=get["who"] or None,
        at=at.replace(tzinfo=None),
        line=line,
    )


def add_correction(
    csv_path: Path, report_id: str, field: str, new_value: str | None, reason: str, who: str | None = None
) -> None:
    """Append one correction to the CSV (created with a header if missing); ValueError in Chinese
    when the field is unknown or the value does not parse for it."""
    report_id, field, reason = (report_id or "").strip(), (field or "").strip(), (reason or "").strip()
    if not report_id:
        raise ValueError("缺少报告编号")
    if not field:
        raise ValueError("缺少要更正的字段")
    if not reason:
        raise ValueError("请填写更正原因")
    new_value = new_value.strip() if new_value is not None and new_value.strip() else None
    parse_value(field, new_value)
    at = datetime.now().replace(microsecond=0).isoformat(sep=" ")
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(
        [report_id, field, new_value or "", reason, (who or "").strip(), at]
    )
    csv_path = Path(csv_path)
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    with open(csv_path, "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)  # two dashboard sessions appending at once
        f.seek(0, io.SEEK_END)
        prefix = b""
        if f.tell() == 0:
            prefix = (",".join(COLUMNS) + "\n").encode()
        else:
            f.seek(-1, io.SEEK_END)
            if f.read(1) not in (b"\n", b"\r"):
                prefix = b"\n"  # a hand-edited file without a final newline
        f.write(prefix + buf.getvalue().encode("utf-8"))
        f.flush()
