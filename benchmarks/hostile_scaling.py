"""Seconds against size for each hostile input family (tests/support/hostile.py): linear extraction
shows as a straight line, the last column (seconds per MB at the largest size against the smallest)
near 1.

    .venv/bin/python -m benchmarks.hostile_scaling [--sizes 256,512,1024,2048] [--family NAME ...]

Each file is parsed in-process by process_file (no time budget: the figure is the parser's own),
once, after one warm-up. Sizes are in KB."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.parse.process import process_file  # noqa: E402
from tests.support.hostile import FAMILIES, KB, MB  # noqa: E402


def time_family(name: str, sizes: list[int], folder: Path) -> list[tuple[int, float, str]]:
    """(bytes, seconds, outcome) for each size."""
    out = []
    for n in sizes:
        suffix, data = FAMILIES[name](n * KB)
        path = folder / f"{name}_{n}{suffix}"
        path.write_bytes(data)
        t = time.perf_counter()
        result = process_file(path)
        out.append((len(data), time.perf_counter() - t, "ok" if result.ok else (result.error or "")[:12]))
        path.unlink()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="256,512,1024,2048", help="sizes in KB, comma-separated")
    ap.add_argument("--family", action="append", choices=sorted(FAMILIES), help="only these families")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    names = args.family or list(FAMILIES)
    process_file(ROOT / "data" / "reports" / "haiyan_2024.txt")  # warm-up: tables and libraries loaded
    head = " | ".join(f"{s:>5} KB" for s in sizes)
    print(f"{'family':22} | {head} | s/MB first→last | ratio")
    print("-" * (50 + 11 * len(sizes)))
    with tempfile.TemporaryDirectory(prefix="fazhi-hostile-") as tmp:
        for name in names:
            rows = time_family(name, sizes, Path(tmp))
            cells = " | ".join(f"{secs:7.2f} s" for _, secs, _ in rows)
            first, last = (secs / max(size / MB, 1e-9) for size, secs, _ in (rows[0], rows[-1]))
            notes = {o for _, _, o in rows if o != "ok"}
            print(
                f"{name:22} | {cells} | {first:6.2f} → {last:6.2f} | {last / max(first, 1e-9):5.2f}"
                + (f"  ({'、'.join(sorted(notes))})" if notes else ""),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
