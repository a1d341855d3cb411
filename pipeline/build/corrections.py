"""Manual corrections: data/corrections.csv, appended to by the dashboard, applied on every build.

The CSV is the only home of a correction (the database is rebuilt from it), so a malformed row
stops the build with the file and row named rather than being skipped. Nothing is ever erased from
it: withdrawing a correction appends a row that names the one withdrawn (`withdraws`)."""

from __future__ import annotations

import csv
import fcntl
import io
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.parse.indicators import Indicator, indicator_map

COLUMNS = ("report_id", "field", "new_value", "reason", "who", "at", "id", "withdraws")
REQUIRED_COLUMNS = ("report_id", "field", "new_value", "reason", "at")
METADATA_FIELDS = ("jurisdiction", "province", "city", "county", "level", "year", "title", "department")
# Levels as stored, with the Chinese name people type or pick (either is accepted in a correction).
LEVEL_LABELS = {
    "national": "全国",
    "province": "省级",
    "prefecture": "地市级",
    "county": "县级",
    "township": "乡镇（街道）级",
    "department": "部门",
}
LEVELS = tuple(LEVEL_LABELS)
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
    id: str = ""  # written by add_correction; rows from before ids were kept are known by their line
    withdraws: str | None = None  # on a withdrawal row: the `ref` of the correction it withdraws

    @property
    def ref(self) -> str:
        """How a withdrawal names this row: its id, or its line for a row written without one."""
        return self.id or f"line{self.line}"

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
    if field == "level":
        by_name = {v: k for k, v in LEVEL_LABELS.items()}
        if raw not in LEVELS and raw not in by_name:
            raise ValueError(f"层级须为 {'、'.join(LEVEL_LABELS.values())} 之一，而不是“{raw}”")
        return by_name.get(raw, raw)
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
    if get["withdraws"] and get["new_value"]:
        raise ValueError("撤销记录（withdraws）不能同时给出新值 new_value")
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
        id=get["id"],
        withdraws=get["withdraws"] or None,
    )


def effective(corrections: Sequence[Correction]) -> list[Correction]:
    """The corrections a build applies: withdrawal rows and the rows they withdraw left out."""
    gone = {c.withdraws for c in corrections if c.withdraws}
    return [c for c in corrections if not c.withdraws and c.ref not in gone]


def add_correction(
    csv_path: Path, report_id: str, field: str, new_value: str | None, reason: str, who: str | None = None
) -> str:
    """Append one correction to the CSV (created with a header if missing) and return its id;
    ValueError in Chinese when the field is unknown or the value does not parse for it. A level may
    be given by its Chinese name (县级); the stored key is written."""
    report_id, field, reason = (report_id or "").strip(), (field or "").strip(), (reason or "").strip()
    if not report_id:
        raise ValueError("缺少报告编号")
    if not field:
        raise ValueError("缺少要更正的字段")
    if not reason:
        raise ValueError("请填写更正原因")
    new_value = new_value.strip() if new_value is not None and new_value.strip() else None
    parsed = parse_value(field, new_value)
    if field == "level" and parsed is not None:
        new_value = str(parsed)
    ref = uuid.uuid4().hex[:12]
    row = (report_id, field, new_value or "", reason, (who or "").strip(), _now(), ref, "")
    _append(csv_path, dict(zip(COLUMNS, row, strict=True)))
    return ref


def withdraw_correction(csv_path: Path, ref: str, reason: str, who: str | None = None) -> str:
    """Withdraw the correction `ref` by appending a row that names it (nothing is erased); the next
    build applies whatever held before it. ValueError in Chinese when it cannot be withdrawn."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("请填写撤销原因")
    rows = read_corrections(csv_path)
    target = next((c for c in rows if c.ref == ref and not c.withdraws), None)
    if target is None:
        raise ValueError("找不到要撤销的更正记录")
    if any(c.withdraws == ref for c in rows):
        raise ValueError("这条更正已经撤销过了")
    new = uuid.uuid4().hex[:12]
    row = (target.report_id, target.field, "", reason, (who or "").strip(), _now(), new, ref)
    _append(csv_path, dict(zip(COLUMNS, row, strict=True)))
    return new


def _now() -> str:
    return datetime.now().replace(microsecond=0).isoformat(sep=" ")


def _append(csv_path: Path, row: dict[str, str]) -> None:
    """Append one row (in the file's own column order) under an exclusive lock; a file whose header
    predates the id and withdraws columns gets them added to its header first (its rows are kept
    as they are: their new cells read empty)."""
    csv_path = Path(csv_path)
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    with open(csv_path, "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)  # two dashboard sessions appending at once
        f.seek(0)
        old = f.read()
        names = list(COLUMNS)
        if old:
            first, _, rest = old.partition(b"\n")
            names = [n.strip() for n in first.decode("utf-8-sig", "replace").strip().split(",")]
            missing = [c for c in COLUMNS if c not in names]
            if missing:
                bom = b"\xef\xbb\xbf" if first.startswith(b"\xef\xbb\xbf") else b""
                names += missing
                old = bom + ",".join(names).encode() + b"\n" + rest
                f.truncate(0)
                f.write(old)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow([row.get(n, "") for n in names])
        prefix = b""
        if not old:
            prefix = (",".join(COLUMNS) + "\n").encode()
        elif not old.endswith((b"\n", b"\r")):
            prefix = b"\n"  # a hand-edited file without a final newline
        f.write(prefix + buf.getvalue().encode("utf-8"))
        f.flush()
