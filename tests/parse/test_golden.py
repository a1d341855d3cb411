"""The five sample reports through the real command, scored by the shared scorer."""

import json
from pathlib import Path

import pytest

from pipeline.parse.process import process_file
from tests.support.paths import ROOT, shared  # noqa: E402
from tests.support.scoring import score_command

GOLD = shared("gold", "seeds.json")  # fails (never skips) when ../shared is missing
REPORTS = sorted((ROOT / "data" / "reports").glob("*.txt"))
GOLD_REPORTS = json.loads(GOLD.read_text(encoding="utf-8"))["reports"]


def test_seeds_score_full_marks(tmp_path):
    score = score_command(REPORTS, GOLD, tmp_path)
    assert len(score.lines) == len(REPORTS) and all(x["ok"] for x in score.lines)
    assert score.summary["F1"] == 1.0 and score.summary["meta"] == 1.0, score.report


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
