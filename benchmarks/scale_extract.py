"""Extraction at scale: reports per second on 1 and 2 processes, and accuracy against the manifest.

Used by run_all.py (`make bench`). Both rates are after start-up: the one-process loop runs after a
warm-up report, and the pool's workers have loaded the tables before the clock starts, so the two
figures compare like with like. Scoring follows shared/tools/score_extraction.py (counts equal,
rates within 0.05 points, money within 0.5 %, metadata exact), matching reports by file name."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 50  # reports handed to a worker at a time
META_FIELDS = ("jurisdiction", "province", "city", "county", "level", "year", "script")


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


@dataclass
class Score:
    f1: float
    precision: float
    recall: float
    meta: float
    tp: int
    fp: int
    fn: int
    wrong_keys: Counter = field(default_factory=Counter)  # key → disagreements, for the note


def extract_one(path: str) -> dict:
    """The `extract --jsonl` line for one file (indicators only, as the CLI prints by default)."""
    from pipeline.process import process_file

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


def _value_ok(key: str, gold: dict, pred: dict) -> bool:
    got = pred.get("value")
    if not isinstance(got, int | float) or isinstance(got, bool):
        return False
    for want in [gold["value"], *gold.get("alts", [])]:
        if key.endswith("_rate") and abs(want - got) <= 0.05 + 1e-9:
            return True
        if key.endswith("_amount") and abs(want - got) <= abs(want) * 0.005 + 1e-9:
            return True
        if abs(want - got) < 1e-6:
            return True
    return False


def score_predictions(manifest: list[dict], preds: list[dict]) -> Score:
    """Precision, recall and F1 of the predicted indicators, and the share of metadata fields right."""
    by_name = {Path(str(p.get("source", ""))).name: p for p in preds}
    tp = fp = fn = meta_ok = meta_n = 0
    wrong: Counter = Counter()
    for rep in manifest:
        name = Path(rep["file"]).name
        if name not in by_name:
            continue  # scored on the files that were run
        pred = by_name[name]
        got = pred.get("indicators") or {}
        for fld, want in rep["meta"].items():
            meta_n += 1
            meta_ok += pred.get(fld) == want
            if pred.get(fld) != want:
                wrong[f"meta.{fld}"] += 1
        for key, gold in rep["indicators"].items():
            p = got.get(key)
            if p is None:
                fn += 1
                wrong[key] += 1
            elif _value_ok(key, gold, p):
                tp += 1
            else:
                fp += 1
                fn += 1
                wrong[key] += 1
        for key in got.keys() - rep["indicators"].keys():
            fp += 1
            wrong[f"{key} (extra)"] += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return Score(f1, p, r, meta_ok / meta_n if meta_n else 0.0, tp, fp, fn, wrong)
