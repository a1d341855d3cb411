"""The dashboard's one door to the pipeline: where the data lives, and the 导入报告 page's steps as
plain functions (check an upload, stage it, preview what the pipeline read, record a correction, add
the files to the reports folder before the same atomic build the CLI runs). Pages and the rest of
the dashboard never import `pipeline` themselves."""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pandas as pd

from dashboard.fmt import LEVEL_NAMES, META_NAMES, QUALIFIER_NAMES, format_value
from pipeline import config
from pipeline.build.database import BuildError
from pipeline.build.health import advice as damaged_db_advice  # noqa: F401  (what to do, in Chinese)
from pipeline.build.health import truncated as db_truncated  # noqa: F401  (dashboard.data's check)
from pipeline.parse.records import Metadata, ReportResult, Value

__all__ = ["BuildError"]  # the pages catch it through this module


def db_path() -> Path:
    return config.db_path()


def reports_dir() -> Path:
    return config.reports_dir()


def corrections_csv() -> Path:
    return config.corrections_csv()


def uploads_log() -> Path:
    """Who uploaded what and when (FAZHI_UPLOADS; by default next to the corrections file)."""
    return Path(os.environ.get("FAZHI_UPLOADS", config.corrections_csv().parent / "uploads.csv"))


def upload_limit(server_mb: float | None = None) -> int:
    """The largest file accepted, in bytes: the build's limit, or the server's (server.maxUploadSize,
    which the server itself enforces) when that is smaller, so the page states the one that holds."""
    limit = config.max_file_bytes()
    return limit if server_mb is None else min(limit, int(server_mb * 1024 * 1024))


FORMATS = ("txt", "html", "htm", "docx", "pdf")
OLD_FORMATS = {"doc": "Word 文件", "wps": "WPS 文件", "rtf": "RTF 文件"}  # save as .docx or PDF first
# the fields an upload must have (or be marked 暂不归类), and every field a correction may set
META_FIELDS = {k: META_NAMES[k] for k in ("jurisdiction", "province", "city", "county", "level", "year")}
CORRECTABLE_META = dict(META_NAMES)
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


def with_corrections(result: ReportResult, fixes: list[tuple[str, str, str, str]], who: str) -> ReportResult:
    """An upload as it will read once its pending corrections (staged name, field, value, reason) are
    applied, later ones winning: what the review shows, so a correction is seen at once."""
    from dataclasses import replace

    from pipeline.build.corrections import parse_value
    from pipeline.parse.indicators import indicator_map

    defs = indicator_map()
    meta, values = result.meta, dict(result.indicators)
    for _, field, raw, reason in fixes:
        new = parse_value(field, raw)
        if field not in defs:
            meta = replace(meta, **{field: new})
        elif new is None:
            values.pop(field, None)
        else:
            evidence = f"人工更正（{who}）：{reason}"
            values[field] = Value(field, new, defs[field].unit, "exact", False, evidence, None, None)
    return replace(result, meta=meta, indicators=values)


def missing_placement(result: ReportResult) -> list[str]:
    """The fields among 地区、层级、年度 the pipeline did not find in an upload (their keys)."""
    return [k for k in NEEDED if getattr(result.meta, k) is None]


def level_choices() -> dict[str, str]:
    """Level key → its Chinese name, for the correction form (the names the corrections file accepts)."""
    return dict(LEVEL_NAMES)


def correction_fields(keys: list[str] | None = None) -> dict[str, str]:
    """Field → Chinese label for a correction form: metadata, the keys given (values read), then
    every other indicator."""
    from pipeline.parse.indicators import indicator_map, load_indicators

    names = {i.key: i.name for i in load_indicators()}
    fields = {**CORRECTABLE_META, **{k: names[k] for k in keys or [] if k in indicator_map()}}
    fields.update({k: n for k, n in names.items() if k not in fields})
    return fields


# ---- naming: an upload never overwrites, and the same bytes are the same report ----------------


def same_report(data: bytes, reports_dir: Path) -> str | None:
    """The report (path relative to the folder) whose bytes are exactly `data`, or None; only files
    of the same size are hashed, so this stays cheap on a large folder."""
    if not reports_dir.is_dir():
        return None
    want = hashlib.sha256(data).digest()
    for path in sorted(reports_dir.rglob("*")):
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size != len(data):
                continue
            if hashlib.sha256(path.read_bytes()).digest() == want:
                return path.relative_to(reports_dir).as_posix()
        except OSError:
            continue
    return None


def numbered(name: str, n: int) -> str:
    """`name (n).ext`: the n-th distinct file uploaded under one name."""
    stem, suffix = Path(name).stem, Path(name).suffix
    return name if n < 2 else f"{stem} ({n}){suffix}"


def target_name(name: str, reports_dir: Path, taken: set[str] = frozenset()) -> str:
    """A name for the upload that no report in the folder (nor one in `taken`) has: its own, else
    `name (2).txt`, `name (3).txt`…"""
    base, n = safe_filename(name), 1
    while (reports_dir / numbered(base, n)).exists() or numbered(base, n) in taken:
        n += 1
    return numbered(base, n)


def place_files(staged: list[Path], reports_dir: Path) -> dict[str, str]:
    """Put staged files into the reports folder without ever replacing one: each is written to a
    hidden temporary name and hard-linked to its final name (which fails if the name was taken in
    the meantime, and the next number is tried). Returns staged name → final name."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    names = {}
    for path in staged:
        fd, tmp = tempfile.mkstemp(prefix=".upload_", dir=reports_dir)  # dot files are not reports
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(path.read_bytes())
            os.chmod(tmp, 0o644)
            n = 1
            while True:
                name = numbered(path.name, n)
                try:
                    os.link(tmp, reports_dir / name)
                    break
                except FileExistsError:
                    n += 1
        finally:
            os.unlink(tmp)
        names[path.name] = name
    return names


# ---- staging: one private folder per session, removed when done or when the session ends -----

STAGING_PREFIX = "fazhi_upload_"


class Staging:
    """A session's private temporary folder for uploads: made on first use (not on every rerun),
    removed by close() or, when the session goes away, by the finaliser."""

    def __init__(self) -> None:
        self._path: Path | None = None
        self._finalizer: weakref.finalize | None = None

    @property
    def path(self) -> Path:
        if self._path is None or not self._path.exists():
            self._path = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX))
            self._finalizer = weakref.finalize(self, shutil.rmtree, self._path, True)
        return self._path

    @property
    def made(self) -> bool:
        return self._path is not None and self._path.exists()

    def close(self) -> None:
        if self._finalizer is not None:
            self._finalizer()
        self._path = self._finalizer = None


def sweep_stale_staging(max_age: float = 24 * 3600) -> int:
    """Remove staging folders left by a server that was killed (older than `max_age` seconds)."""
    removed = 0
    for path in Path(tempfile.gettempdir()).glob(f"{STAGING_PREFIX}*"):
        try:
            if path.is_dir() and time.time() - path.stat().st_mtime > max_age:
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed


def stage_upload(name: str, data: bytes, folder: Path) -> Path:
    """Write the upload into the session's staging folder under its chosen name."""
    path = folder / name
    path.write_bytes(data)
    return path


# ---- the pipeline in its own process: killed when over time or when the session ends ----------

# Run inside the child before the pipeline: die with the thread that started it (PR_SET_PDEATHSIG),
# yield the CPU to the dashboard (nice 10), and never use more than its CPU-seconds budget.
_LAUNCH = """\
import ctypes, os, resource, runpy, signal, sys
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
except Exception:
    pass
os.nice(10)
cpu = int(sys.argv.pop(1))
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
sys.argv[0] = "python -m pipeline"
runpy.run_module("pipeline", run_name="__main__", alter_sys=True)
"""


def _seconds(var: str, default: float) -> float:
    try:
        value = float(os.environ.get(var, default))
    except ValueError:
        return default
    return value if value > 0 else default


def parse_timeout() -> float:
    """Seconds one uploaded file may take to parse (FAZHI_UPLOAD_TIMEOUT, default 60)."""
    return _seconds("FAZHI_UPLOAD_TIMEOUT", 60)


def build_timeout() -> float:
    """Seconds the page's rebuild may take (FAZHI_BUILD_TIMEOUT, default 900)."""
    return _seconds("FAZHI_BUILD_TIMEOUT", 900)


class Finished:
    """How a pipeline process ended: exit code (None when it was stopped), its output, its time."""

    def __init__(self, code: int | None, out: str, err: str, timed_out: bool, seconds: float):
        self.code, self.out, self.err, self.timed_out, self.seconds = code, out, err, timed_out, seconds


def run_pipeline(
    args: list[str], *, timeout: float, tick: Callable[[float], None] | None = None, every: float = 0.5
) -> Finished:
    """`python -m pipeline ARGS` in its own process group. `tick(elapsed)` is called while it runs
    (the page shows progress there; Streamlit raises in it when the session ends or reruns); the
    process is killed over `timeout`, and whenever this function is left early."""
    env = {**os.environ, "PYTHONPATH": str(config.ROOT)}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCH, str(int(timeout) + 5), *args],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            cwd=config.ROOT,
            env=env,
            start_new_session=True,
        )
        t0, timed_out = time.monotonic(), False
        try:
            while True:
                try:  # never wait past the budget: a short budget is kept even with a long `every`
                    proc.wait(timeout=max(0.0, min(every, timeout - (time.monotonic() - t0))))
                    break
                except subprocess.TimeoutExpired:
                    pass
                elapsed = time.monotonic() - t0
                if elapsed > timeout:
                    timed_out = True
                    break
                if tick is not None:
                    tick(elapsed)
        finally:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
        out.seek(0)
        err.seek(0)
        return Finished(
            None if timed_out else proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            timed_out,
            time.monotonic() - t0,
        )


def result_from_json(line: dict) -> ReportResult:
    """A ReportResult back from an `extract --jsonl` line (what the preview needs)."""
    if not line.get("ok"):
        return ReportResult(source=line.get("source", ""), ok=False, error=line.get("error"))
    meta = Metadata(
        **{
            k: line.get(k)
            for k in ("jurisdiction", "province", "city", "county", "level", "year", "title", "department")
        }
    )
    values = {k: Value(key=k, **v) for k, v in (line.get("indicators") or {}).items()}
    return ReportResult(
        source=line["source"], ok=True, script=line.get("script"), meta=meta, indicators=values
    )


def parse_upload(path: Path, *, timeout: float, tick: Callable[[float], None] | None = None) -> ReportResult:
    """What the pipeline reads in one staged file, parsed in a separate process within `timeout`."""
    done = run_pipeline(["extract", str(path), "--jsonl"], timeout=timeout, tick=tick)
    if done.timed_out:
        return ReportResult(
            source=str(path), ok=False, error=f"解析超时：超过 {timeout:g} 秒仍未读完，已停止。"
        )
    for text in done.out.splitlines():
        try:
            return result_from_json(json.loads(text))
        except (ValueError, TypeError):
            continue
    last = (done.err.strip().splitlines() or ["（无输出）"])[-1]
    return ReportResult(source=str(path), ok=False, error=f"解析进程意外退出：{last}")


# ---- recording who changed what -----------------------------------------------------------------

UPLOAD_COLUMNS = ("at", "who", "report_id", "original_name", "sha256", "bytes")


def _append_csv(path: Path, columns: tuple[str, ...], row: list) -> None:
    """Append one row under an exclusive lock (the header first when the file is new)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0, io.SEEK_END)
        head = (",".join(columns) + "\n").encode() if f.tell() == 0 else b""
        f.write(head + buf.getvalue().encode("utf-8"))


def _now() -> str:
    return datetime.now().replace(microsecond=0).isoformat(sep=" ")


def record_upload(report_id: str, original: str, data: bytes, who: str) -> None:
    """One line in the uploads log: when, who, under which name, from which file."""
    row = [_now(), who, report_id, original, hashlib.sha256(data).hexdigest(), len(data)]
    _append_csv(uploads_log(), UPLOAD_COLUMNS, row)


def check_correction(field: str, value: str, reason: str) -> None:
    """ValueError (Chinese) when a correction cannot be taken: unknown field, bad value, no reason."""
    from pipeline.build.corrections import parse_value

    if not reason.strip():
        raise ValueError("请填写更正理由")
    parse_value(field, value)


def record_correction(report: str, field: str, value: str, reason: str, who: str) -> str:
    """Append one correction, signed by `who`, to the corrections file (re-applied on every build);
    returns its id. ValueError in Chinese when it cannot be taken (no editor, no reason, bad value)."""
    from pipeline.build.corrections import add_correction

    if not (who or "").strip():
        raise ValueError("请先以编辑身份登录")
    return add_correction(config.corrections_csv(), report, field, value, reason, who=who)


def withdraw_correction(ref: str, reason: str, who: str) -> None:
    """Withdraw one correction (a row naming it is appended; nothing is erased)."""
    from pipeline.build.corrections import withdraw_correction as withdraw

    if not (who or "").strip():
        raise ValueError("请先以编辑身份登录")
    withdraw(config.corrections_csv(), ref, reason, who)


def correction_history(report_id: str) -> pd.DataFrame:
    """Every correction of one report, newest first, read from the corrections file itself (so a
    withdrawal shows at once): 时间, 字段, 新值, 理由, 更正人, 状态, and `ref` for withdrawing."""
    from pipeline.build.corrections import read_corrections

    rows = read_corrections(config.corrections_csv())
    gone = {c.withdraws: c for c in rows if c.withdraws}
    fields = correction_fields()
    out = []
    for c in rows:
        if c.report_id != report_id:
            continue
        value = c.new_value or "（删除该值）"
        if c.field == "level" and c.new_value:
            value = LEVEL_NAMES.get(c.new_value, c.new_value)
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


def rebuild(tick: Callable[[float], None] | None = None) -> Finished:
    """Rebuild the database from the reports folder with the corrections: the same atomic build as
    the CLI, in its own process (killed over build_timeout). A correction shows in the dashboard
    once this returns; BuildError (Chinese) when the build failed and the old database was kept."""
    args = ["build", str(reports_dir()), "--db", str(db_path()), "--corrections", str(corrections_csv())]
    done = run_pipeline(args, timeout=build_timeout(), tick=tick)
    if done.timed_out:
        raise BuildError(f"重新构建超时：超过 {build_timeout():g} 秒仍未完成，已停止，原数据库保留。")
    if done.code != 0:
        last = (done.err.strip().splitlines() or ["（无输出）"])[-1]
        raise BuildError(f"重新构建失败，原数据库保留：{last}")
    return done


def add_and_build(
    staged: dict[Path, bytes],
    originals: dict[str, str],
    corrections: list[tuple[str, str, str, str]],
    who: str,
    *,
    tick: Callable[[float], None] | None = None,
) -> tuple[dict[str, str], Finished]:
    """Place the staged files (never over another), log them and their corrections as `who`'s, then
    run the same atomic build as the CLI in its own process. Returns staged → final names and how
    the build ended (code 0: built; the old database stays when it was not)."""
    names = place_files(list(staged), reports_dir())
    for path, data in staged.items():
        record_upload(names[path.name], originals.get(path.name, path.name), data, who)
    for report, field, value, reason in corrections:
        record_correction(names.get(report, report), field, value, reason, who)
    args = ["build", str(reports_dir()), "--db", str(db_path()), "--corrections", str(corrections_csv())]
    return names, run_pipeline(args, timeout=build_timeout(), tick=tick)


def _field_label(field: str) -> str:
    from pipeline.parse.indicators import indicator_map

    d = indicator_map().get(field)
    return CORRECTABLE_META.get(field) or (d.name if d else field)


def recent_changes(limit: int = 20) -> pd.DataFrame:
    """The latest corrections and uploads, newest first: 时间, 操作人, 操作, 报告, 内容."""
    rows, levels = [], level_choices()
    for path, kind in ((corrections_csv(), "更正"), (uploads_log(), "上传")):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        for r in csv.DictReader(io.StringIO(text, newline="")):
            r = {k: (v or "").strip() for k, v in r.items() if k}
            if kind == "更正" and r.get("withdraws"):
                kind_shown = "撤销更正"
                what = f"撤销对{_field_label(r.get('field', ''))}的更正；理由：{r.get('reason', '')}"
            elif kind == "更正":
                kind_shown = kind
                value = r.get("new_value") or "（删除）"
                value = levels.get(value, value) if r.get("field") == "level" else value
                what = f"{_field_label(r.get('field', ''))} → {value}；理由：{r.get('reason', '')}"
            else:
                kind_shown = kind
                what = f"上传文件 {r.get('original_name', '')}（{int(r.get('bytes') or 0) / 1024:.0f} KB）"
            rows.append(
                [r.get("at", ""), r.get("who") or "（未记录）", kind_shown, r.get("report_id", ""), what]
            )
    frame = pd.DataFrame(rows, columns=["时间", "操作人", "操作", "报告", "内容"])
    return frame.sort_values("时间", ascending=False, kind="stable").head(limit).reset_index(drop=True)
