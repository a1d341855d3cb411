"""The dashboard's one door to the pipeline: where the data lives, and the 导入报告 page's steps as
plain functions (check an upload, stage it, preview what the pipeline read, record a correction, add
the files to the reports folder before the same atomic build the CLI runs). Pages and the rest of
the dashboard never import `pipeline` themselves."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd

from dashboard.fmt import LEVEL_NAMES, QUALIFIER_NAMES, format_value
from pipeline import config
from pipeline.build.database import BuildError
from pipeline.parse.records import ReportResult

__all__ = ["BuildError"]  # the pages catch it through this module


def db_path() -> Path:
    return config.db_path()


def reports_dir() -> Path:
    return config.reports_dir()


def corrections_csv() -> Path:
    return config.corrections_csv()


def upload_limit() -> int:
    """The largest file accepted, in bytes (the same limit the build applies)."""
    return config.max_file_bytes()


FORMATS = ("txt", "html", "htm", "docx", "pdf")
OLD_FORMATS = {"doc": "Word 文件", "wps": "WPS 文件", "rtf": "RTF 文件"}  # save as .docx or PDF first
META_FIELDS = {
    "jurisdiction": "地区名称",
    "province": "省份",
    "city": "城市",
    "county": "所属县级",
    "level": "层级",
    "year": "年度",
}
CORRECTABLE_META = {**META_FIELDS, "title": "标题"}
UNPLACED = "暂不归类"
NEEDED = ("jurisdiction", "level", "year")  # an upload without one of these must be placed first
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def check_upload(name: str, size: int, limit: int) -> str | None:
    """A Chinese reason to refuse the file (too large, empty, unknown type), or None when it may be read."""
    ext = Path(name).suffix.lower().lstrip(".")
    if ext in OLD_FORMATS:
        return (
            f"{name}：这是旧版 {OLD_FORMATS[ext]}（.{ext}），无法直接读取。请用 Word 或 WPS 打开，"
            "“另存为” .docx 或 PDF 后再上传。"
        )
    if ext not in FORMATS:
        return (
            f"{name}：不支持的文件类型 .{ext or '（无扩展名）'}。请上传 txt、html、docx 或 pdf；"
            "其他格式请先另存为 .docx 或 PDF。"
        )
    if size > limit:
        return f"{name}：文件 {size / 1024 / 1024:.1f} MB，超过 {limit / 1024 / 1024:.0f} MB 的上限，未读取。"
    if size == 0:
        return f"{name}：文件是空的。"
    return None


def safe_filename(name: str) -> str:
    """The upload's base name with path parts and characters unsafe in file names removed."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .") or "report.txt"
    return base[:120]


def target_name(name: str, data: bytes, reports_dir: Path) -> str:
    """The name the file gets in the reports folder: its own, or name_2, name_3… when a different
    file already has it (the same bytes keep the name, so re-uploading changes nothing)."""
    base = safe_filename(name)
    stem, suffix = Path(base).stem, Path(base).suffix
    candidate, n = base, 1
    while (reports_dir / candidate).exists():
        if hashlib.sha256((reports_dir / candidate).read_bytes()).digest() == hashlib.sha256(data).digest():
            return candidate
        n += 1
        candidate = f"{stem}_{n}{suffix}"
    return candidate


def stage_upload(name: str, data: bytes, folder: Path) -> Path:
    """Write the upload into a private staging folder under its final name."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def preview_tables(result: ReportResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the pipeline read: metadata (字段, 识别结果) and values (指标, 数值, 限定, 依据原文)."""
    from pipeline.parse.indicators import indicator_map

    m = result.meta
    shown = {
        "jurisdiction": m.jurisdiction,
        "province": m.province,
        "city": m.city,
        "county": m.county,
        "level": LEVEL_NAMES.get(m.level or "", m.level),
        "year": m.year,
    }
    meta = pd.DataFrame(
        {
            "字段": list(META_FIELDS.values()),
            "识别结果": ["未识别" if shown[k] is None else str(shown[k]) for k in META_FIELDS],
        }
    )
    defs = indicator_map()
    rows = []
    for key, v in result.indicators.items():
        d = defs.get(key)
        kind = d.kind if d else "count"
        rows.append(
            {
                "指标": d.name if d else key,
                "数值": format_value(v.value, v.qualifier, kind),
                "原文单位": v.unit,
                "限定": QUALIFIER_NAMES.get(v.qualifier, v.qualifier),
                "推算": "是" if v.derived else "",
                "依据原文": v.evidence,
            }
        )
    return meta, pd.DataFrame(rows, columns=["指标", "数值", "原文单位", "限定", "推算", "依据原文"])


def result_values(result: ReportResult) -> pd.DataFrame:
    """An upload's values as key, value, qualifier, kind (the shape the correction form reads)."""
    from pipeline.parse.indicators import indicator_map

    defs = indicator_map()
    rows = [
        {"key": k, "value": v.value, "qualifier": v.qualifier, "kind": defs[k].kind if k in defs else "count"}
        for k, v in result.indicators.items()
    ]
    return pd.DataFrame(rows, columns=["key", "value", "qualifier", "kind"])


def corrected_fields(report_id: str) -> set[str]:
    """The fields of a report that a correction (not withdrawn) sets."""
    from pipeline.build.corrections import effective, read_corrections

    return {c.field for c in effective(read_corrections(corrections_csv())) if c.report_id == report_id}


def missing_placement(result: ReportResult) -> list[str]:
    """The fields among 地区、层级、年度 the pipeline did not find in an upload (their keys)."""
    return [k for k in NEEDED if getattr(result.meta, k) is None]


def level_choices() -> dict[str, str]:
    """Level key → Chinese name, for pickers (the names are what people see and type)."""
    from pipeline.build.corrections import LEVEL_LABELS

    return dict(LEVEL_LABELS)


def add_to_reports(staged: list[Path], reports_dir: Path) -> list[Path]:
    """Copy staged files into the reports folder (names already chosen by target_name)."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for path in staged:
        dest = reports_dir / path.name
        shutil.copyfile(path, dest)
        out.append(dest)
    return out


def read_upload(name: str, data: bytes, folder: Path, seen: dict) -> tuple[Path, ReportResult]:
    """Stage and parse an upload once per session (`seen` is the session's cache, keyed by name+hash)."""
    key = (name, hashlib.sha256(data).hexdigest())
    if key not in seen:
        from pipeline.parse.process import process_file

        path = stage_upload(name, data, folder)
        seen[key] = (path, process_file(path, with_mentions=False))
    return seen[key]


def correction_fields(keys: list[str] | None = None) -> dict[str, str]:
    """Field → Chinese label for a correction form: metadata, the keys given (values read), then
    every other indicator."""
    from pipeline.parse.indicators import indicator_map, load_indicators

    names = {i.key: i.name for i in load_indicators()}
    fields = {**CORRECTABLE_META, **{k: names[k] for k in keys or [] if k in indicator_map()}}
    fields.update({k: n for k, n in names.items() if k not in fields})
    return fields


def record_correction(report: str, field: str, value: str, reason: str, who: str = "") -> str:
    """Append one correction (with who made it) to the corrections file, re-applied on every build;
    returns its id. ValueError in Chinese when it cannot be taken (no name, no reason, bad value)."""
    from pipeline.build.corrections import add_correction

    if not (who or "").strip():
        raise ValueError("请填写更正人")
    return add_correction(config.corrections_csv(), report, field, value, reason, who)


def withdraw_correction(ref: str, reason: str, who: str) -> None:
    """Withdraw one correction (a row naming it is appended; nothing is erased)."""
    from pipeline.build.corrections import withdraw_correction as withdraw

    if not (who or "").strip():
        raise ValueError("请填写更正人")
    withdraw(config.corrections_csv(), ref, reason, who)


def correction_history(report_id: str) -> pd.DataFrame:
    """Every correction of one report, newest first, read from the corrections file itself (so a
    withdrawal shows at once): 时间, 字段, 新值, 理由, 更正人, 状态, and `ref` for withdrawing."""
    from pipeline.build.corrections import LEVEL_LABELS, read_corrections

    rows = read_corrections(config.corrections_csv())
    gone = {c.withdraws: c for c in rows if c.withdraws}
    fields = correction_fields()
    out = []
    for c in rows:
        if c.report_id != report_id:
            continue
        value = c.new_value or "（删除该值）"
        if c.field == "level" and c.new_value:
            value = LEVEL_LABELS.get(c.new_value, c.new_value)
        if c.withdraws:
            state, value = "撤销记录", "—"
        elif c.ref in gone:
            state = f"已撤销（{gone[c.ref].at:%Y-%m-%d %H:%M}）"
        else:
            state = "有效"
        out.append(
            {
                "时间": f"{c.at:%Y-%m-%d %H:%M:%S}",
                "字段": fields.get(c.field, c.field),
                "新值": value,
                "理由": c.reason,
                "更正人": c.who or "（未记录）",
                "状态": state,
                "ref": c.ref,
            }
        )
    cols = ["时间", "字段", "新值", "理由", "更正人", "状态", "ref"]
    return pd.DataFrame(out, columns=cols).iloc[::-1].reset_index(drop=True)


def rebuild():
    """Rebuild the database from the reports folder with the corrections (the same atomic build as
    the CLI); a correction shows in the dashboard once this returns. BuildError when it fails."""
    from pipeline.build.database import build_database

    return build_database([reports_dir()], db_path(), corrections=corrections_csv())


def add_and_build(staged: list[Path], reports_dir: Path, db_path: Path, corrections: Path):
    """Copy the staged files into the reports folder and run the same atomic build as the CLI.

    Raises pipeline.build.BuildError (Chinese message) when the build fails; the old database stays."""
    from pipeline.build.database import build_database

    add_to_reports(staged, reports_dir)
    return build_database([reports_dir], db_path, corrections=corrections)
