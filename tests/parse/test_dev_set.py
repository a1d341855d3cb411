"""The 84 real passages of ../shared/dev through the real command and the shared scorer: the floor
issue 12 set (F1 ≥ 0.95, P ≥ 0.98). Fails, never skips, when ../shared is not beside the repo."""

import subprocess
import sys

from tests.support.paths import ROOT, shared


def test_dev_set_scores_above_the_floor(tmp_path):
    texts = sorted(shared("dev", "texts").glob("*.txt"))
    gold, scorer = shared("dev", "gold.json"), shared("tools", "score_extraction.py")
    assert len(texts) >= 80
    run = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", *map(str, texts), "--jsonl"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    out = tmp_path / "dev.jsonl"
    out.write_text(run.stdout, encoding="utf-8")
    score = subprocess.run(
        [sys.executable, str(scorer), str(gold), str(out), "--min-f1", "0.95", "--min-p", "0.98"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert score.returncode == 0, score.stdout
