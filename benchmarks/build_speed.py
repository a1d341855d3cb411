"""Build 10,000 reports (copies of the samples under distinct names) and print seconds and size.

    .venv/bin/python -m benchmarks.build_speed [--n 10000] [--workers 2] [--distinct] [--keep DIR]

Exact copies share their bytes, so the build parses each distinct content once and the figure is
mostly storage. --distinct appends a numbered line to every copy, so every file is really parsed:
that is the figure for 10,000 different reports. A second, incremental build of the same folder
(nothing changed) is timed too. Target: first build under 60 s on the 2-core machine."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from pipeline.build.database import build_database  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "reports"
if not SAMPLES.is_dir():
    SAMPLES = ROOT / "data" / "reports"


def make_reports(folder: Path, n: int, distinct: bool) -> None:
    """n files named copy_00000_<sample>.txt, spread over 100 sub-folders like a real archive."""
    samples = [(p.name, p.read_bytes()) for p in sorted(SAMPLES.glob("*.txt"))]
    for i in range(n):
        name, data = samples[i % len(samples)]
        sub = folder / f"batch_{i // 100:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        if distinct:
            data += f"\n附注：第 {i} 份。\n".encode()
        (sub / f"copy_{i:05d}_{name}").write_bytes(data)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--distinct", action="store_true", help="make every copy's bytes different")
    ap.add_argument("--keep", type=Path, help="build here instead of a temp dir, and keep it")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="fazhi-bench-"))
    try:
        reports, db = work / "reports", work / "fazhi.duckdb"
        t = time.perf_counter()
        make_reports(reports, args.n, args.distinct)
        print(
            f"准备 {args.n} 个文件（{'内容各不相同' if args.distinct else '样本的原样副本'}）："
            f"{time.perf_counter() - t:.1f} 秒"
        )
        for label in ("首次构建", "再次构建（无变化）"):
            t = time.perf_counter()
            s = build_database(
                [reports],
                db,
                corrections=work / "corrections.csv",
                workers=args.workers,
                progress=sys.stderr.isatty(),
            )
            secs = time.perf_counter() - t
            size = db.stat().st_size / 1e6
            print(
                f"{label}：{secs:.1f} 秒，新解析 {s.parsed}（不同内容 {s.contents_parsed}），未变 {s.unchanged}，"
                f"失败 {len(s.failed)}，指标 {s.indicators} 条，数据库 {size:.1f} MB"
            )
            for note in s.notes:
                print(f"  注意：{note}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
