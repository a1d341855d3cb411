"""The README stays true: the two commands first, every indicator key listed."""

from pathlib import Path

from pipeline.parse.indicators import load_indicators

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_begins_with_the_two_commands():
    head = README[:400]
    assert head.index("make run") < head.index("make test")


def test_readme_lists_every_indicator():
    for ind in load_indicators():
        assert f"`{ind.key}`" in README and ind.name in README, ind.key
