"""Extraction speed: reports per second on one core after start-up, and the start-up time.

usage: python -m benchmarks.extract_speed [N]   (default 1,000 reports: copies of data/reports/*)
Targets (issue "Extraction"): ≥ 500 reports/s on one core after start-up; start-up < 1.5 s."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_copies(n: int, folder: Path) -> list[Path]:
    samples = sorted((ROOT / "data" / "reports").glob("*.txt"))
    paths = []
    for i in range(n):
        src = samples[i % len(samples)]
        dst = folder / f"{src.stem}_{i:05d}{src.suffix}"
        shutil.copyfile(src, dst)
        paths.append(dst)
    return paths


def time_startup(sample: Path, runs: int = 5) -> float:
    """Wall time of `python -m pipeline extract ONE_FILE --jsonl`: imports, table load, one report."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pipeline", "extract", str(sample), "--jsonl"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def time_batch(paths: list[Path], with_mentions: bool) -> float:
    from pipeline.parse.process import process_file

    process_file(paths[0], with_mentions=with_mentions)  # warm: tables compiled, OpenCC loaded
    t0 = time.perf_counter()
    for p in paths:
        assert process_file(p, with_mentions=with_mentions).ok
    return time.perf_counter() - t0


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_copies(n, Path(tmp))
        startup = time_startup(paths[0])
        plain = time_batch(paths, with_mentions=False)
        mentions = time_batch(paths, with_mentions=True)
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pipeline", "extract", *map(str, paths), "--jsonl"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        cli = time.perf_counter() - t0
    print(f"extraction benchmark: {n} reports (copies of the 5 samples, ~7 KB each), one process")
    print(f"  start-up (python -m pipeline extract, 1 file, median of 5): {startup:.2f} s   target < 1.5 s")
    print(
        f"  after start-up, indicators only:    {n / plain:8.0f} reports/s  ({plain * 1000 / n:.2f} ms each)"
        "   target >= 500"
    )
    print(
        f"  after start-up, with --mentions:    {n / mentions:8.0f} reports/s  ({mentions * 1000 / n:.2f} ms each)"
    )
    print(f"  whole CLI run incl. start-up:        {n / cli:8.0f} reports/s  ({cli:.2f} s)")


if __name__ == "__main__":
    main()
