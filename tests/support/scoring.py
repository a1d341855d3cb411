"""Scoring a run against a manifest in the gold format, as shared/tools/score_extraction.py does
(counts equal, rates within 0.05 points, money within 0.5 %, metadata exact), matching reports by
file name. Used by the corpus test and the scale benchmark."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


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


@dataclass
class CommandScore:
    """The shared scorer's verdict on a run of the real `extract --jsonl` command."""

    lines: list[dict]  # the command's JSON lines, in file order
    exit_code: int  # the scorer's: 1 when a --min-* floor was missed
    report: str  # everything the scorer printed (each disagreement, then the summary)
    summary: dict[str, float]  # F1, P, R, meta, tp, fp, fn, reports


def score_command(files: list[Path], gold: Path, work: Path, *floors: str) -> CommandScore:
    """Run `python -m pipeline extract FILES --jsonl` as a user would, then the shared scorer on it
    (with floors such as "--min-f1", "0.95"). The command itself must succeed."""
    import json
    import subprocess
    import sys

    from tests.support.paths import ROOT, shared

    run = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", *map(str, files), "--jsonl"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    out = work / "extract.jsonl"
    out.write_text(run.stdout, encoding="utf-8")
    score = subprocess.run(
        [sys.executable, str(shared("tools", "score_extraction.py")), str(gold), str(out), *floors],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    last = score.stdout.strip().splitlines()[-1]
    summary = {k: float(v) for k, v in (part.split("=") for part in last.split())}
    return CommandScore(
        [json.loads(x) for x in run.stdout.splitlines()], score.returncode, score.stdout, summary
    )
