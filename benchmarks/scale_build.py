"""Build at scale: `python -m pipeline build` timed as a user runs it, with the peak memory of its
whole process tree (the build and its parse workers), and an incremental rebuild after edits.

Used by run_all.py (`make bench`). Memory is read by polling /proc every 50 ms and summing VmRSS
over the build process and its descendants, so the figure is what the machine must hold at once."""

from __future__ import annotations

import random
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
POLL = 0.05  # seconds between memory samples


@dataclass
class BuildRun:
    seconds: float  # wall time of the whole command, Python start-up included
    peak_mb: float  # peak summed RSS of the process tree
    db_mb: float
    files_seen: int
    parsed: int
    unchanged: int
    failed: int
    indicators: int


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _rss_kb(p)
        todo += _children(p)
    return total


class PeakMemory:
    """Poll a process tree's resident memory in a thread until stopped; `peak_kb` is the maximum."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kb = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))
            self._stop.wait(POLL)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak_kb


def run_build(paths: list[Path], db: Path, corrections: Path) -> BuildRun:
    """`python -m pipeline build PATHS --db DB --corrections CSV`, timed, with its peak memory."""
    cmd = [
        sys.executable,
        "-m",
        "pipeline",
        "build",
        *map(str, paths),
        "--db",
        str(db),
        "--corrections",
        str(corrections),
    ]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = PeakMemory(proc.pid)
    _, err = proc.communicate()
    seconds = time.perf_counter() - t0
    peak_kb = peak.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"build failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}")
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "SELECT files_seen, parsed, unchanged, failed, indicators FROM builds "
            "ORDER BY finished_at DESC, started_at DESC LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    return BuildRun(seconds, peak_kb / 1024, db.stat().st_size / 1e6, *row)


FIGURE = re.compile(rb"(?<=[^\d.,])(\d{2,5})(?=[^\d.,%])")


def change_figures(paths: list[Path], share: float, seed: int) -> list[Path]:
    """Rewrite `share` of the files with one figure changed (+1), as a corrected upload would be.
    ASCII digits are the same bytes in UTF-8, GBK and Big5, so the edit is safe in every encoding."""
    rng = random.Random(seed)
    chosen = rng.sample(paths, max(1, round(len(paths) * share)))
    for path in chosen:
        data = path.read_bytes()
        figures = list(FIGURE.finditer(data, len(data) // 3))
        m = figures[len(figures) // 2] if figures else None
        if m is None:
            data += b"\n"
        else:
            data = data[: m.start()] + str(int(m[1]) + 1).encode() + data[m.end() :]
        path.write_bytes(data)
    return chosen
