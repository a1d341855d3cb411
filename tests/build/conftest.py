"""Fixtures of the build tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.paths import REPORTS


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A reports folder holding writable copies of the five sample reports."""
    d = tmp_path / "reports"
    d.mkdir()
    for p in REPORTS.glob("*.txt"):
        shutil.copyfile(p, d / p.name)
    return d
