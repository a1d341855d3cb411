"""`python -m pipeline build`: a folder of reports into the DuckDB file the dashboard reads.

The recipe: lock → find and hash files → reuse unchanged reports from the previous database →
parse the new and changed ones (in parallel) → corrections → duplicates → views → checks → swap
the new file in. The previous database is never written to: a failed or killed build leaves it
as it was. "Newer is current" for two reports of one jurisdiction and year means the file with
the later modification time, then the larger report_id."""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from pipeline import config
from pipeline.build import store
from pipeline.build.checks import run_checks
from pipeline.build.corrections import Correction, CorrectionsError, effective, read_corrections
from pipeline.build.files import (
    FoundFile,
    LockTimeout,
    Progress,
    build_lock,
    find_report_files,
    hash_file,
    parser_version,
    remove_stale_temps,
    shown,
    swap_in,
    temp_db_path,
)
from pipeline.build.health import damage, move_aside, quick_damage
from pipeline.parse.budget import Failure, WorkerError, budget_for, run_with_budget
from pipeline.parse.indicators import IndicatorTableError, load_indicators
from pipeline.parse.records import MissingDependency, ReportResult

BATCH = 500  # reports per bulk insert
PARALLEL_FROM = 400  # fewer files use one worker process: a second costs ~1 s to start, about 400 parses
LOCK_TIMEOUT = 300.0
KEPT = "数据库未更新，旧数据库保持不变"
KEPT_EARLIER = "保留了上次构建时的版本"


class BuildError(Exception):
    """The build failed and the previous database was kept; the message (Chinese) says why."""


@dataclass
class BuildSummary:
    """What a build did, for the stderr summary and the dashboard's 导入报告 page."""

    files_seen: int = 0
    parsed: int = 0  # files whose rows come from a fresh parse
    unchanged: int = 0  # files reused from the previous database without parsing
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    removed: list[str] = field(default_factory=list)  # report_ids no longer found
    # (older report_id, current report_id, jurisdiction, year)
    duplicates: list[tuple[str, str, str, int]] = field(default_factory=list)
    indicators: int = 0  # rows in `indicators` after corrections
    seconds: float = 0.0
    unmatched_corrections: list[Correction] = field(default_factory=list)
    contents_parsed: int = 0  # distinct file contents parsed (identical copies are parsed once)
    db_path: Path | None = None
    run_id: str = ""
    started_at: datetime | None = None
    notes: list[str] = field(default_factory=list)
    damaged: str | None = None  # why the previous database could not be read (it is kept aside)
    kept: list[tuple[str, str]] = field(
        default_factory=list
    )  # (source, reason): failed, earlier version kept

    def render(self) -> str:
        """The Chinese summary printed on stderr at the end of a build."""
        lines = [
            f"构建完成：{self.db_path}",
            f"  文件 {self.files_seen} 个：新解析 {self.parsed}，未变 {self.unchanged}，"
            f"失败 {len(self.failed) + len(self.kept)}（其中保留旧版 {len(self.kept)}）；移除报告 {len(self.removed)} 份",
            f"  指标 {self.indicators} 条，用时 {self.seconds:.1f} 秒",
        ]
        if self.contents_parsed and self.contents_parsed < self.parsed:
            lines.append(
                f"  （{self.parsed} 个文件中内容不同的 {self.contents_parsed} 个，相同内容只解析一次）"
            )
        lines += [f"  注意：{n}" for n in self.notes]
        if self.failed:
            lines.append("失败的文件（其余文件已入库）：")
            lines += [f"  - {shown(src)}：{why}" for src, why in self.failed]
        if self.kept:
            lines.append(f"解析失败、{KEPT_EARLIER}的文件（修好文件后再次构建即可更新）：")
            lines += [f"  - {shown(src)}：{why}" for src, why in self.kept]
        if self.removed:
            lines.append("已移除的报告（文件已不在）：")
            lines += _capped([f"  - {shown(r)}" for r in self.removed])
        if self.duplicates:
            lines.append("同一地区同一年度有多份报告（都保留，以较新的文件为准）：")
            lines += _capped(
                [
                    f"  - {shown(old)} 与 {shown(cur)} 同为{j} {y} 年报告，以 {shown(cur)} 为准"
                    for old, cur, j, y in self.duplicates
                ]
            )
        if self.unmatched_corrections:
            lines.append("没有对应报告的更正（仍留在更正文件里，未应用）：")
            lines += [
                f"  - 第 {c.line} 行：{shown(c.report_id)} 的 {shown(c.field)}"
                for c in self.unmatched_corrections
            ]
        return "\n".join(lines)


def _capped(lines: list[str], most: int = 20) -> list[str]:
    """Long lists end with a count; the full list is in ingest_log."""
    if len(lines) <= most:
        return lines
    return [*lines[:most], f"  ……另有 {len(lines) - most} 条，完整列表见数据库的 ingest_log 表"]


def build_database(
    paths: Sequence[Path],
    db_path: Path,
    *,
    corrections: Path | None = None,
    workers: int | None = None,
    progress: bool = False,
    full: bool = False,
    with_mentions: bool = True,
    lock_timeout: float = LOCK_TIMEOUT,
) -> BuildSummary:
    """Build the database for exactly the reports under `paths` and swap it in atomically.

    Reports of the previous database that are not found under `paths` are removed, so pass the
    whole reports folder. `corrections` defaults to config.corrections_csv(); a missing file means
    none. Raises BuildError (old database untouched) when the build fails."""
    started = time.monotonic()
    db_path = Path(db_path)
    now = datetime.now()
    summary = BuildSummary(
        db_path=db_path, started_at=now, run_id=f"{now:%Y%m%dT%H%M%S}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    )
    if not paths:
        raise BuildError(f"没有给出要导入的文件或文件夹；{KEPT}")
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise BuildError(f"找不到要导入的路径：{'、'.join(missing)}；{KEPT}")
    try:
        defs = load_indicators()
        fixes = read_corrections(Path(corrections) if corrections else config.corrections_csv())
        config.max_file_bytes()  # a bad limit would fail every file and swap in an empty database
        config.parse_budget(0)
    except (CorrectionsError, IndicatorTableError, config.ConfigError) as e:
        raise BuildError(f"{e}；{KEPT}") from e
    db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with build_lock(db_path, lock_timeout):
            remove_stale_temps(db_path)
            tmp = temp_db_path(db_path)
            args = (tmp, db_path, paths, defs, fixes)
            opts = dict(now=now, workers=workers, progress=progress, full=full, with_mentions=with_mentions)
            try:
                try:
                    _build_into(*args, summary, **opts)
                except duckdb.Error:
                    # A previous database that opened but cannot be read through (truncated, a
                    # block of garbage) fails mid-build: start over from the reports alone.
                    why = damage(db_path) if db_path.exists() else None
                    if why is None:
                        raise
                    for p in (tmp, tmp.with_name(tmp.name + ".wal")):
                        p.unlink(missing_ok=True)
                    summary = BuildSummary(
                        db_path=db_path, started_at=now, run_id=summary.run_id, damaged=why
                    )
                    _build_into(*args, summary, **opts, use_previous=False)
                summary.seconds = time.monotonic() - started
                _finish(tmp, summary)
                if summary.damaged:
                    aside = move_aside(db_path)
                    summary.notes.append(
                        f"旧数据库已损坏（{summary.damaged}），已改名保留为 {aside.name}，所有报告已重新解析"
                    )
                swap_in(tmp, db_path)
            finally:
                for p in (tmp, tmp.with_name(tmp.name + ".wal")):
                    p.unlink(missing_ok=True)
    except (LockTimeout, store.PreviousLocked) as e:
        raise BuildError(f"{e}；{KEPT}") from e
    except WorkerError as e:
        raise BuildError(f"{e}；{KEPT}") from e
    except duckdb.Error as e:
        raise BuildError(f"写数据库时出错：{e}；{KEPT}") from e
    return summary


def _build_into(
    tmp: Path,
    db_path: Path,
    paths: Sequence[Path],
    defs,
    fixes: list[Correction],
    summary: BuildSummary,
    *,
    now: datetime,
    workers: int | None,
    progress: bool,
    full: bool,
    with_mentions: bool,
    use_previous: bool = True,
) -> None:
    """Write the whole new database into `tmp`, checks included; raises BuildError on a failed check.
    Without `use_previous` the previous database is not opened (it was found damaged)."""
    files, refused = find_report_files(paths)
    files, unreadable = _hash_all(files, progress)
    summary.failed = refused + unreadable
    summary.files_seen = len(files) + len(summary.failed)
    log = [(summary.run_id, None, src, None, "failed", why, now) for src, why in summary.failed]
    con = duckdb.connect(str(tmp))
    try:
        store.create_schema(con)
        previous = _open_previous(con, db_path, summary) if use_previous else []
        log += _store_reports(
            con,
            files,
            previous,
            summary,
            now=now,
            workers=workers,
            progress=progress,
            full=full,
            with_mentions=with_mentions,
        )
        store.write_indicator_defs(con, defs)
        summary.unmatched_corrections = store.apply_corrections(con, effective(fixes), defs)
        summary.duplicates = store.mark_duplicates(con)
        sources = {f.report_id: f.source for f in files}
        log += [
            (
                summary.run_id,
                old,
                sources[old],
                None,
                "duplicate",
                f"与 {cur} 同为{j} {y} 年报告，以较新的 {cur} 为准",
                now,
            )
            for old, cur, j, y in summary.duplicates
        ]
        store.write_log(con, log)
        summary.indicators = con.execute("SELECT count(*) FROM indicators").fetchone()[0]
        failures = run_checks(con)
        if failures:
            raise BuildError("；".join(f.message() for f in failures) + f"；{KEPT}")
    finally:
        con.close()


def _open_previous(
    con: duckdb.DuckDBPyConnection, db_path: Path, summary: BuildSummary
) -> list[tuple[str, str, str, str]]:
    """Attach the previous database, carry its logs over and list its reports (none if unusable)."""
    why_not = store.attach_previous(con, db_path)
    if why_not:
        if db_path.exists() and (why := quick_damage(db_path)):
            summary.damaged = why  # moved aside, not replaced, when the new database is ready
        elif db_path.exists():
            summary.notes.append(f"{why_not}，所有文件重新解析")
        return []
    store.carry_over_log(con)
    return store.read_previous(con)


def _store_reports(
    con: duckdb.DuckDBPyConnection,
    files: list[FoundFile],
    previous: list[tuple[str, str, str, str]],
    summary: BuildSummary,
    *,
    now: datetime,
    workers: int | None,
    progress: bool,
    full: bool,
    with_mentions: bool,
) -> list[tuple]:
    """Fill reports, extracted_* and mentions: unchanged files from the previous database, the rest
    parsed. Returns this run's ingest_log rows for them (and for removed reports)."""
    run, version = summary.run_id, parser_version(with_mentions)
    reuse, to_parse = _plan(files, previous, version, full)
    store.copy_previous(con, [(f.report_id, old, f.source, f.mtime) for f, old in reuse])
    summary.unchanged = len(reuse)
    log = [(run, f.report_id, f.source, f.sha256, "unchanged", None, now) for f, _ in reuse]
    batch = store.Batch()
    earlier = {rid for rid, _, _, _ in previous}
    for f, result in _parse_all(to_parse, workers, progress, with_mentions, summary):
        if result.ok:
            batch.add(f.report_id, f.source, result, f.mtime, now, version)
            summary.parsed += 1  # the sha256 stored is the parser's, of the bytes it read
            log.append((run, f.report_id, f.source, result.sha256, "parsed", None, now))
        elif f.report_id in earlier:  # emptied or broken since: the good earlier version stays
            summary.kept.append((f.source, result.error or "无法解析"))
            store.copy_previous(con, [(f.report_id, f.report_id, f.source, None)])
            log.append(
                (run, f.report_id, f.source, f.sha256, "failed", f"{result.error}；{KEPT_EARLIER}", now)
            )
        else:
            summary.failed.append((f.source, result.error or "无法解析"))
            log.append((run, f.report_id, f.source, f.sha256, "failed", result.error, now))
        if batch.size >= BATCH:
            batch.write(con)
    batch.write(con)
    found = {f.report_id for f in files}
    gone = sorted((rid, src) for rid, src, _, _ in previous if rid not in found)
    summary.removed = [rid for rid, _ in gone]
    return log + [(run, rid, src, None, "removed", None, now) for rid, src in gone]


def _hash_all(files: list[FoundFile], progress: bool) -> tuple[list[FoundFile], list[tuple[str, str]]]:
    bar = Progress("核对文件", len(files), progress and len(files) >= 200)
    ok, bad = [], []
    for f in files:
        h = hash_file(f)
        if isinstance(h, str):
            bad.append((f.source, h))
        else:
            ok.append(h)
        bar.update()
    bar.close()
    return ok, bad


def _plan(
    files: list[FoundFile], previous: list[tuple[str, str, str, str]], version: str, full: bool
) -> tuple[list[tuple[FoundFile, str]], list[FoundFile]]:
    """Split files into (file, previous report_id) to reuse and files to parse. A file is reused
    when the previous database holds the same bytes parsed by the same code — under its own id
    or, for a renamed or copied file, under another."""
    if full:
        return [], list(files)
    by_id = {rid: (sha, ver) for rid, _, sha, ver in previous}
    by_sha = {sha: rid for rid, _, sha, ver in sorted(previous, reverse=True) if ver == version}
    reuse, parse = [], []
    for f in files:
        if by_id.get(f.report_id) == (f.sha256, version):
            reuse.append((f, f.report_id))
        elif f.sha256 in by_sha and Path(by_sha[f.sha256]).suffix.lower() == f.path.suffix.lower():
            reuse.append((f, by_sha[f.sha256]))
        else:
            parse.append(f)
    return reuse, parse


def _parse_all(
    files: list[FoundFile], workers: int | None, progress: bool, with_mentions: bool, summary: BuildSummary
) -> Iterator[tuple[FoundFile, ReportResult]]:
    """Parse each distinct content once (in a process pool when there are many) and yield every
    file with its result, in order."""
    groups: dict[tuple[str, str], list[FoundFile]] = {}
    for f in files:
        groups.setdefault((f.sha256, f.path.suffix.lower()), []).append(f)
    jobs = [fs[0].path for fs in groups.values()]
    summary.contents_parsed = len(jobs)
    bar = Progress("解析报告", len(files), progress)
    # --workers N is taken as asked; by default a pool only pays for itself from PARALLEL_FROM files
    n = workers or (min(2, os.cpu_count() or 1) if len(jobs) >= PARALLEL_FROM else 1)
    try:
        for fs, result in zip(
            groups.values(), _map(jobs, min(n, max(1, len(jobs))), with_mentions), strict=True
        ):
            for f in fs:
                yield f, result
                bar.update()
    finally:
        bar.close()


def _map(paths: list[Path], workers: int, with_mentions: bool) -> Iterator[ReportResult]:
    """parse_one over the paths, in order, each file in a worker process with its time budget
    (config.parse_budget): one over it is stopped and fails with 解析超时, and the build goes on."""
    jobs = [(p, with_mentions) for p in paths]
    budgets = [budget_for(p) for p in paths]
    for path, outcome in zip(paths, run_with_budget(parse_one, jobs, budgets, workers), strict=True):
        yield ReportResult(str(path), False, outcome.reason) if isinstance(outcome, Failure) else outcome


def parse_one(path: Path, with_mentions: bool = True) -> ReportResult:
    """process_file, guarded: a bug in extraction fails this file, not the batch."""
    from pipeline.parse.process import process_file  # imported here: each pool worker imports it once

    try:
        result = process_file(path, with_mentions=with_mentions)
    except (MissingDependency, ImportError):
        raise  # a broken install stops the build (see pipeline.parse.budget), it is not a bad file
    except Exception as e:  # process_file never raises on bad input: this is a bug, named in the log
        return ReportResult(str(path), False, f"解析程序出错：{type(e).__name__}: {e}")
    if result.ok and (result.text is None or result.sha256 is None or result.format is None):
        return ReportResult(str(path), False, "解析程序没有返回正文")
    return result


def _finish(tmp: Path, summary: BuildSummary) -> None:
    """Record the build itself and flush the new file to disk before it is swapped in."""
    con = duckdb.connect(str(tmp))
    try:
        con.execute(
            "INSERT INTO builds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                summary.run_id,
                summary.started_at,
                datetime.now(),
                summary.files_seen,
                summary.parsed,
                summary.unchanged,
                len(summary.failed),
                summary.indicators,
                round(summary.seconds, 3),
            ],
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _positive_int(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError("须为正整数")
    return n


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    """The `build` subcommand's arguments."""
    parser.add_argument(
        "paths", nargs="*", type=Path, help=f"报告文件或文件夹（默认 {config.reports_dir()}）"
    )
    parser.add_argument("--db", type=Path, default=None, help=f"数据库文件（默认 {config.db_path()}）")
    parser.add_argument(
        "--corrections", type=Path, default=None, help=f"人工更正文件（默认 {config.corrections_csv()}）"
    )
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        help=f"并行解析的进程数（默认 min(2, CPU 数)；少于 {PARALLEL_FROM} 个文件时只用 1 个）",
    )
    parser.add_argument("--full", action="store_true", help="忽略旧数据库，全部重新解析")
    parser.add_argument("--no-mentions", action="store_true", help="不保存数字提及（mentions 表）")
    parser.add_argument(
        "--wait",
        type=float,
        default=LOCK_TIMEOUT,
        help=f"另一个构建正在进行时最多等待的秒数（默认 {LOCK_TIMEOUT:g}）",
    )
    parser.add_argument("--progress", action="store_true", help="总是显示进度条（默认只在终端显示）")
    parser.add_argument("--quiet", action="store_true", help="不显示进度条和总结，只报告错误")


def build_command(args: argparse.Namespace) -> int:
    """Run the build from parsed arguments: 0 built (even with failed files), 1 build failed, 2 usage."""
    paths = list(args.paths) or [config.reports_dir()]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"找不到要导入的路径：{'、'.join(missing)}", file=sys.stderr)
        return 2
    progress = not args.quiet and (args.progress or sys.stderr.isatty())
    try:
        summary = build_database(
            paths,
            args.db or config.db_path(),
            corrections=args.corrections,
            workers=args.workers,
            progress=progress,
            full=args.full,
            with_mentions=not args.no_mentions,
            lock_timeout=args.wait,
        )
    except BuildError as e:
        print(f"构建失败：{e}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(summary.render(), file=sys.stderr)
    return 0
