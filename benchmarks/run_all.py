"""`make bench`: extraction, build and dashboard measured end to end on a synthetic national corpus.

    .venv/bin/python -m benchmarks.run_all [--quick] [--keep] [--no-dashboard] [--seed 7]

Generates 15,000 synthetic reports (3,000 real jurisdictions × 5 years, tests/support/corpus.py) under
benchmarks/out/, then measures: extraction rate on 1 and 2 processes for 1,000 and 10,000 reports
and its accuracy against the manifest; full builds of 1,000 / 5,000 / 15,000 reports (seconds,
peak memory, database size) and an incremental rebuild after 1 % of the files change; every
dashboard page's time to settle in headless Chromium against the 15,000-report database and the
app's peak memory. Progress goes to stderr; the table goes to stdout and benchmarks/out/.
--quick runs the same steps on ten times fewer reports (a smoke test, ~1 min)."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

from benchmarks.scale_build import change_figures, run_build  # noqa: E402
from benchmarks.scale_extract import score_predictions, time_extraction  # noqa: E402
from tests.support.corpus import make_corpus  # noqa: E402

OUT = HERE / "out"
EXTRACT_SIZES = (1_000, 10_000)
BUILD_SIZES = (1_000, 5_000, 15_000)
CHANGED = 0.01  # share of files edited before the incremental rebuild
# Targets from the issue "Scale: a national-size corpus, measured end to end".
RATE_PER_PROC, SPEEDUP_2, FULL_BUILD_S, INCREMENTAL_S, PAGE_S, APP_MB = 500, 1.7, 60, 5, 2, 500


def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def describe_machine() -> str:
    """CPU count and model, RAM, Python, OS, and the load when the run started (a shared box is slower)."""
    mem = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    return (
        f"{os.cpu_count()} CPU ({cpu}), {mem / 1024 / 1024:.1f} GiB RAM, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, load {os.getloadavg()[0]:.1f} at start"
    )


def width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def pad(s: str, n: int) -> str:
    return s + " " * max(0, n - width(s))


def verdict(ok: bool | None) -> str:
    return "" if ok is None else "ok" if ok else "MISSED"


def render(header: list[str], rows: list[tuple[str, str, str, str, str]]) -> str:
    """The fixed-width table: stage, measurement, result, target, status."""
    widths = [max(width(r[i]) for r in rows) + 2 for i in range(4)]
    head = ("stage", "measurement", "result", "target", "")
    lines = [*header, "", "".join(pad(h, w) for h, w in zip(head, [*widths, 0], strict=True)).rstrip()]
    lines.append("-" * (sum(widths) + 6))
    lines += ["".join(pad(c, w) for c, w in zip(r, [*widths, 0], strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def bench_extraction(files: list[Path], manifest: list[dict], sizes: tuple[int, ...]) -> list[tuple]:
    rows, rates, last = [], {}, None
    for n in sizes:
        for procs in (1, 2):
            log(f"extraction: {n:,} reports on {procs} process(es)")
            run = time_extraction(files[:n], procs)
            rates[n, procs] = run.rate
            note = f"{run.rate:,.0f} reports/s"
            if procs == 1:
                note += f" (CPU {run.cpu_seconds / n * 1000:.2f} ms each)"
                rows.append(
                    (
                        "extraction",
                        f"1 process, {n:,} reports",
                        note,
                        f">= {RATE_PER_PROC}/s",
                        verdict(run.rate >= RATE_PER_PROC),
                    )
                )
            else:
                speedup = run.rate / rates[n, 1]
                rows.append(
                    (
                        "extraction",
                        f"2 processes, {n:,} reports",
                        f"{note} ({speedup:.2f}x)",
                        f">= {SPEEDUP_2}x of 1",
                        verdict(speedup >= SPEEDUP_2),
                    )
                )
                last = run
    s = score_predictions(manifest, last.preds)
    failed = sum(not p.get("ok") for p in last.preds)
    rows.append(
        (
            "extraction",
            f"accuracy vs manifest, {last.files:,} reports",
            f"F1 {s.f1:.3f} P {s.precision:.3f} R {s.recall:.3f}",
            "",
            "",
        )
    )
    rows.append(
        ("extraction", "  metadata fields right; unreadable files", f"{s.meta:.3f}; {failed}", "", "")
    )
    if s.wrong_keys:
        worst = ", ".join(f"{k} {n}" for k, n in s.wrong_keys.most_common(4))
        rows.append(("extraction", "  most disagreements", worst, "", ""))
    return rows


def bench_build(
    corpus: Path, files: list[Path], sizes: tuple[int, ...], work: Path, seed: int
) -> tuple[list, Path]:
    rows, corrections = [], work / "corrections.csv"  # absent: no corrections
    db = work / "none.duckdb"
    for n in sizes:
        log(f"build: {n:,} reports")
        db = work / f"build_{n}.duckdb"
        whole = n == len(files)
        r = run_build([corpus / "reports"] if whole else files[:n], db, corrections)
        ok = r.files_seen == n and r.failed == 0
        rows.append(
            (
                "build",
                f"full, {n:,} reports",
                f"{r.seconds:.1f} s, peak {r.peak_mb:,.0f} MB, db {r.db_mb:,.0f} MB",
                f"< {FULL_BUILD_S} s" if whole else "",
                verdict(r.seconds < FULL_BUILD_S and ok) if whole else verdict(ok) if not ok else "",
            )
        )
    current = count_current(db)
    rows.append(
        (
            "build",
            f"  reports current after the {sizes[-1]:,} build",
            f"{current:,}",
            f"{sizes[-1]:,} (all distinct)",
            verdict(current == sizes[-1]),
        )
    )
    changed = change_figures(files, CHANGED, seed)
    log(f"build: incremental after changing {len(changed)} files")
    r = run_build([corpus / "reports"], db, corrections)
    rows.append(
        (
            "build",
            f"incremental, {len(changed)} files changed ({CHANGED:.0%})",
            f"{r.seconds:.1f} s, peak {r.peak_mb:,.0f} MB ({r.parsed} parsed, {r.unchanged:,} reused)",
            f"< {INCREMENTAL_S} s",
            verdict(r.seconds < INCREMENTAL_S and r.parsed == len(changed)),
        )
    )
    return rows, db


def count_current(db: Path) -> int:
    """Reports the build kept as current: every synthetic report is a distinct (place, year)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM current_reports").fetchone()[0]
    finally:
        con.close()


def bench_dashboard(db: Path, corpus: Path, manifest: list[dict], n: int) -> list[tuple]:
    from benchmarks.scale_dashboard import time_pages

    if not Path("/usr/bin/chromium").exists():
        return [("dashboard", "skipped: /usr/bin/chromium not installed (make browser)", "", "", "")]
    counts = Counter(r["meta"]["jurisdiction"] for r in manifest)
    place = next((p for p, k in counts.items() if k == 5), next(iter(counts)))  # a name no other place has
    log(f"dashboard: every page in headless Chromium against {n:,} reports")
    times, peak = time_pages(db, corpus, place)
    rows = []
    for t in times:
        shown = " / ".join("timeout" if x is None else f"{x:.2f}" for x in (t.first, t.link, t.nav))
        settled = all(x is not None and x < PAGE_S for x in (t.first, t.link, t.nav))
        rows.append(
            (
                "dashboard",
                f"{t.name}: first / link / sidebar",
                f"{shown} s",
                f"< {PAGE_S} s",
                verdict(settled),
            )
        )
    rows.append(
        ("dashboard", "app peak memory (VmHWM)", f"{peak:,.0f} MB", f"< {APP_MB} MB", verdict(peak < APP_MB))
    )
    return rows


def run_stage(rows: list[tuple], stage: str, fn, *args):
    """Run one stage and add its rows; a stage that fails adds a row saying why, and the rest go on."""
    try:
        out = fn(*args)
    except Exception as e:  # a benchmark prints what it could measure
        log(f"{stage} failed: {type(e).__name__}: {e}")
        rows.append(
            (stage, "FAILED", f"{type(e).__name__}: {str(e).splitlines()[0][:70]}" if str(e) else "", "", "")
        )
        return None
    rows += out[0] if isinstance(out, tuple) else out
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="ten times fewer reports (smoke test)")
    ap.add_argument("--keep", action="store_true", help="keep the corpus and databases under benchmarks/out/")
    ap.add_argument("--no-dashboard", action="store_true", help="skip the browser measurements")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    scale = 10 if args.quick else 1
    extract_sizes = tuple(n // scale for n in EXTRACT_SIZES)
    build_sizes = tuple(n // scale for n in BUILD_SIZES)
    machine = describe_machine()
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"run-{datetime.now():%Y%m%d-%H%M%S}-", dir=OUT))
    started, rows = time.perf_counter(), []
    try:
        corpus, n = work / "corpus", build_sizes[-1]
        log(f"corpus: writing {n:,} synthetic reports to {corpus}")
        t = time.perf_counter()
        manifest = make_corpus(n, corpus, args.seed)
        made = time.perf_counter() - t
        files = [corpus / r["file"] for r in manifest]
        size_kb = sum(f.stat().st_size for f in files) / len(files) / 1024
        run_stage(rows, "extraction", bench_extraction, files, manifest, extract_sizes)
        built = run_stage(rows, "build", bench_build, corpus, files, build_sizes, work, args.seed)
        if not args.no_dashboard and built:
            run_stage(rows, "dashboard", bench_dashboard, built[1], corpus, manifest, n)
        places = len({(r["meta"]["jurisdiction"], r["meta"]["city"]) for r in manifest})
        header = [
            f"法治对标 scale benchmark (make bench{' --quick' if args.quick else ''}), {datetime.now():%Y-%m-%d %H:%M}",
            f"machine: {machine}",
            f"corpus: {n:,} synthetic reports, {places:,} jurisdictions x 5 years in 2019-2024 (seed {args.seed}), "
            f"{size_kb:.1f} KB each on average, written in {made:.0f} s; whole run {time.perf_counter() - started:.0f} s, "
            f"load {os.getloadavg()[0]:.1f} at the end",
        ]
        table = render(header, rows)
        print(table)
        (OUT / f"bench-{datetime.now():%Y%m%d-%H%M%S}.txt").write_text(table + "\n", encoding="utf-8")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if not any(r[1] == "FAILED" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
