"""The five sample reports through the real command, scored by the shared scorer."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.parse.process import process_file
from tests.support.paths import ROOT, shared  # noqa: E402

GOLD = shared("gold", "seeds.json")  # fails (never skips) when ../shared is missing
SCORER = shared("tools", "score_extraction.py")
REPORTS = sorted((ROOT / "data" / "reports").glob("*.txt"))
GOLD_REPORTS = json.loads(GOLD.read_text(encoding="utf-8"))["reports"]


def test_seeds_score_full_marks(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", *map(str, REPORTS), "--jsonl"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == len(REPORTS) and all(json.loads(x)["ok"] for x in lines)
    out = tmp_path / "out.jsonl"
    out.write_text(run.stdout, encoding="utf-8")
    score = subprocess.run(
        [sys.executable, str(SCORER), str(GOLD), str(out)], capture_output=True, text=True, check=False
    )
    summary = score.stdout.strip().splitlines()[-1]
    assert "F1=1.000" in summary and "meta=1.000" in summary, score.stdout


@pytest.mark.parametrize("report", GOLD_REPORTS, ids=[Path(r["file"]).stem for r in GOLD_REPORTS])
def test_golden_offsets_point_at_the_figure(report):
    result = process_file(ROOT / "data" / report["file"])
    assert result.ok
    for key, gold in report["indicators"].items():
        got = result.indicators.get(key)
        if got is None:
            assert gold.get("optional"), key
            continue
        if got.derived:
            assert got.start is None and "÷" in got.evidence
            continue
        figure = result.text[got.start : got.end]
        assert figure and figure[0] in "0123456789零一二两三四五六七八九十百", (key, figure)
        assert figure in got.evidence and got.evidence in result.text
        assert got.qualifier == gold["qualifier"], key
