"""The analysis test database: the made-up reports of tests/fixtures/analysis (two provinces, two
years, townships, a province, a department and a national report) built by the real build, with the
fixture's corrections.csv applied. Used by the dashboard and browser tests of peer groups, references,
ranks, the composite, year over year and downloads."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.paths import ROOT
from tests.support.sample_db import SampleDb

FIXTURES = ROOT / "tests" / "fixtures" / "analysis"


def build_analysis_db(root: Path) -> SampleDb:
    """Copy the analysis reports and corrections into root and build root/fazhi.duckdb."""
    from pipeline.build.database import build_database

    reports = root / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    for path in sorted(FIXTURES.glob("*.txt")):
        shutil.copyfile(path, reports / path.name)
    db = SampleDb(root=root, reports=reports, db=root / "fazhi.duckdb", corrections=root / "corrections.csv")
    shutil.copyfile(FIXTURES / "corrections.csv", db.corrections)
    build_database([reports], db.db, corrections=db.corrections)
    return db
