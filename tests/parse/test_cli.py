"""The `extract` contract: JSON lines on stdout only, order kept, exit codes 0 / 1 / 2."""

import json
import subprocess
import sys

from tests.support.paths import ROOT  # noqa: E402

SAMPLE = ROOT / "data" / "reports" / "sheqi_2024.txt"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_every_file_read_exits_0_with_one_line_each():
    r = run("extract", str(SAMPLE), str(SAMPLE), "--jsonl")
    assert r.returncode == 0
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["source"] for x in lines] == [str(SAMPLE)] * 2
    assert (
        lines[0]["jurisdiction"] == "社旗县"
        and lines[0]["indicators"]["reconsideration_received"]["value"] == 86
    )
    assert "mentions" not in lines[0]


def test_a_bad_file_gets_its_line_and_exit_1(tmp_path):
    empty = tmp_path / "空 报告.txt"
    empty.write_bytes(b"")
    r = run("extract", str(empty), str(SAMPLE), str(tmp_path / "missing.txt"), "--jsonl")
    assert r.returncode == 1
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["ok"] for x in lines] == [False, True, False]
    assert lines[0]["error"] and lines[2]["error"]
    assert set(lines[0]) == {"source", "ok", "error"}


def test_usage_error_exits_2_and_writes_nothing_to_stdout():
    for args in (["extract"], ["nonsense"], ["extract", str(SAMPLE), "--bogus"]):
        r = run(*args)
        assert r.returncode == 2 and r.stdout == "", args


def test_mentions_list_every_figure_with_offsets():
    r = run("extract", str(SAMPLE), "--jsonl", "--mentions")
    line = json.loads(r.stdout)
    mentions = line["mentions"]
    assert len(mentions) > 50
    found = {(m["value"], m["unit"]) for m in mentions}
    assert (86, "件") in found and (1000, "次") in found and (42900, "万元") in found
    over = [m for m in mentions if m["value"] == 1000 and m["unit"] == "次"]
    assert over[0]["qualifier"] == "over"
