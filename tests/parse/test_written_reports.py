"""Reports written for testing (tests/fixtures/written/) through the real command and the shared scorer:
no value may be wrong, and recall stays where the rules have brought it."""

import json
from pathlib import Path

import pytest

from tests.support.paths import ROOT  # noqa: E402
from tests.support.scoring import score_command

# Set o keeps one wrong value: 全省法院新收一审行政案件 read as the government's first-instance cases,
# which the dev gold takes (011) and set o's does not; two of its pages' years are still missed.
FLOORS = {"o": (0.99, 0.98, 0.97)}  # P, F1, meta


SETS = sorted(p for p in (ROOT / "tests" / "fixtures" / "written").iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", SETS, ids=[p.name for p in SETS])
def test_written_reports_score(folder: Path, tmp_path: Path) -> None:
    reports = sorted(p for p in folder.iterdir() if p.name not in ("gold.json", "README.md"))
    score = score_command(reports, folder / "gold.json", tmp_path)
    summary = score.summary
    assert len(json.loads((folder / "gold.json").read_text(encoding="utf-8"))["reports"]) == len(reports)
    p, f1, meta = FLOORS.get(folder.name, (1.0, 0.98, 1.0))
    assert summary["P"] >= p, score.report  # a wrong value is worse than a missing one
    # metadata: every set resolves all of it (j and k since the metadata round on set m)
    assert summary["F1"] >= f1 and summary["meta"] >= meta, score.report
