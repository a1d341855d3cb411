"""The benchmark corpus generator: N marked files, a manifest in the gold format, the same bytes for
the same seed, and extraction through the real `extract` command that agrees with the manifest."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.support.corpus import MARKER, make_corpus
from tests.support.paths import ROOT
from tests.support.scoring import score_predictions

N = 60


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    make_corpus(N, out, seed=11)
    return out


def read_manifest(folder: Path) -> list[dict]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["reports"]


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((folder / "reports").rglob("*"))
        if p.is_file()
    }


def test_writes_n_files_each_marked_synthetic_in_its_first_line(corpus):
    reports = read_manifest(corpus)
    files = [corpus / r["file"] for r in reports]
    assert len(reports) == N and len(set(files)) == N
    assert sorted(files) == sorted(p for p in (corpus / "reports").rglob("*") if p.is_file())
    for path in files:
        first = path.read_bytes().split(b"\n", 1)[0]
        assert MARKER.encode("utf-8") in first or MARKER.encode("gbk") in first, path.name


def test_manifest_has_the_gold_format_and_varied_files(corpus):
    reports = read_manifest(corpus)
    assert {tuple(r) for r in reports} == {("file", "meta", "indicators")}
    assert {tuple(r["meta"]) for r in reports} == {
        ("jurisdiction", "province", "city", "county", "level", "year", "script")
    }
    assert all(2019 <= r["meta"]["year"] <= 2024 for r in reports)
    assert all(
        v["qualifier"] in ("exact", "over", "approx", "under")
        for r in reports
        for v in r["indicators"].values()
    )
    # five years per place, so 60 reports are 12 places
    assert len({(r["meta"]["jurisdiction"], r["meta"]["city"]) for r in reports}) == N // 5
    derived = [v for r in reports for k, v in r["indicators"].items() if v.get("derived")]
    assert derived and all(
        k == "reconsideration_correction_rate"
        for r in reports
        for k, v in r["indicators"].items()
        if v.get("derived")
    )
    formats = Counter(Path(r["file"]).suffix for r in reports)
    assert formats[".txt"] >= N * 0.8 and formats[".html"] >= 1
    assert any(r["meta"]["script"] == "traditional" for r in reports)
    assert any(not is_utf8((corpus / r["file"]).read_bytes()) for r in reports)  # some GBK files


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_same_seed_same_bytes_and_smaller_n_is_a_prefix(corpus, tmp_path):
    make_corpus(N // 2, tmp_path, seed=11)
    small, big = digest(tmp_path), digest(corpus)
    assert small and all(big[name] == h for name, h in small.items())


def test_another_seed_gives_another_corpus(corpus, tmp_path):
    make_corpus(5, tmp_path, seed=12)
    assert set(digest(tmp_path).values()).isdisjoint(digest(corpus).values())


def test_extraction_agrees_with_the_manifest(corpus):
    reports = read_manifest(corpus)
    files = [str(corpus / r["file"]) for r in reports]
    run = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", *files, "--jsonl"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    preds = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(preds) == N and all(p["ok"] for p in preds)
    score = score_predictions(reports, preds)
    assert score.tp > N * 5  # a dozen figures per report on average: the comparison is not vacuous
    assert score.f1 >= 0.97, score.wrong_keys.most_common(5)
    assert score.meta >= 0.97, score.wrong_keys.most_common(5)


def test_the_benchmark_scorer_counts_a_wrong_value_and_an_extra_key():
    gold = [
        {
            "file": "reports/x/a.txt",
            "meta": {"year": 2022},
            "indicators": {
                "litigation_cases": {"value": 59, "qualifier": "exact"},
                "litigation_loss_rate": {"value": 5.41, "qualifier": "exact"},
            },
        }
    ]
    right = {
        "source": "/tmp/a.txt",
        "ok": True,
        "year": 2022,
        "indicators": {"litigation_cases": {"value": 59}, "litigation_loss_rate": {"value": 5.43}},
    }
    assert score_predictions(gold, [right]).f1 == 1.0  # a rate within 0.05 points counts
    wrong = {
        **right,
        "year": 2021,
        "indicators": {"litigation_cases": {"value": 60}, "major_decisions": {"value": 3}},
    }
    s = score_predictions(gold, [wrong])
    assert (s.tp, s.fp, s.fn, s.meta) == (0, 2, 2, 0.0)
