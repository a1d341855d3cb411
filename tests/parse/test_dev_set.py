"""The 84 real passages of ../shared/dev through the real command and the shared scorer: the floor
issue 12 set (F1 ≥ 0.95, P ≥ 0.98). Fails, never skips, when ../shared is not beside the repo."""

from tests.support.paths import shared
from tests.support.scoring import score_command


def test_dev_set_scores_above_the_floor(tmp_path):
    texts = sorted(shared("dev", "texts").glob("*.txt"))
    assert len(texts) >= 80
    score = score_command(texts, shared("dev", "gold.json"), tmp_path, "--min-f1", "0.95", "--min-p", "0.98")
    assert score.exit_code == 0, score.report
