"""Extraction at scale: reports per second on 1 and 2 processes, and accuracy against the manifest.

Used by run_all.py (`make bench`). Both rates are after start-up: the one-process loop runs after a
warm-up report, and the pool's workers have loaded the tables before the clock starts, so the two
figures compare like with like. Scoring follows shared/tools/score_extraction.py (counts equal,
rates within 0.05 points, money within 0.5 %, metadata exact), matching reports by file name."""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.scoring import Score, score_predictions  # noqa: F401  (re-exported for run_all)

CHUNK = 50  # reports handed to a worker at a time


@dataclass
class Run:
    """One timed pass over a list of files."""

    files: int
    procs: int
    seconds: float  # wall time, start-up excluded
    cpu_seconds: float | None  # this process's CPU time (one-process runs only)
    preds: list[dict]

    @property
    def rate(self) -> float:
        return self.files / self.seconds


def extract_one(path: str) -> dict:
    """The `extract --jsonl` line for one file (indicators only, as the CLI prints by default)."""
    from pipeline.parse.process import process_file

    return process_file(path, with_mentions=False).to_json()


def warm_up() -> None:
    """Load the indicator table, OpenCC, the place table and the web-page reader once."""
    import trafilatura  # noqa: F401  (imported on the first web page otherwise)

    extract_one(__file__)  # any text file loads every table


def _warm(barrier) -> None:
    """Pool initializer: warm up, then wait until every worker (and the parent) is ready."""
    warm_up()
    barrier.wait()


def time_extraction(paths: list[Path], procs: int) -> Run:
    """Extract every file on `procs` processes; start-up (imports, tables, pool) is not timed."""
    names = [str(p) for p in paths]
    if procs == 1:
        warm_up()
        t0, c0 = time.perf_counter(), time.process_time()
        preds = [extract_one(p) for p in names]
        return Run(len(names), 1, time.perf_counter() - t0, time.process_time() - c0, preds)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(procs + 1)
    with ctx.Pool(procs, initializer=_warm, initargs=(barrier,)) as pool:
        barrier.wait()  # every worker has its tables loaded
        t0 = time.perf_counter()
        preds = list(pool.imap(extract_one, names, chunksize=CHUNK))
        seconds = time.perf_counter() - t0
    return Run(len(names), procs, seconds, None, preds)
