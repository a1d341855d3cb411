"""A real database for the dashboard tests, built by the real `build_database` from the sample
reports, plus one unreadable file (so 总览 has a failure to show) and an earlier 海盐县 year. Used by tests/conftest.py and the
browser tests; no mocks of the database."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from tests.support.paths import REPORTS, SHARED

SAMPLES = [SHARED / "reports", REPORTS]
SAMPLE_NAMES = (
    "haiyan_2024.txt",
    "longquan_2023.txt",
    "qiaotou_2024.txt",
    "sheqi_2024.txt",
    "taicang_2024.txt",
)
BROKEN = "broken_scan.pdf"
EARLIER = "haiyan_2023.txt"  # a made-up earlier year of 海盐县, so 地区档案 has a trend to draw


def earlier_haiyan() -> bytes:
    """The 海盐县 2024 report moved to 2023 with 162 cases received changed to 150."""
    text = (sample_dir() / "haiyan_2024.txt").read_text(encoding="utf-8")
    text = text.replace("2025-", "2024-").replace("2024", "2023").replace("162件", "150件")
    return text.encode("utf-8")


@dataclass(frozen=True)
class SampleDb:
    root: Path
    reports: Path
    db: Path
    corrections: Path

    def env(self) -> dict[str, str]:
        """The environment that points the app at this database."""
        return {
            "FAZHI_DB": str(self.db),
            "FAZHI_REPORTS": str(self.reports),
            "FAZHI_CORRECTIONS": str(self.corrections),
        }


def sample_dir() -> Path:
    for folder in SAMPLES:
        if all((folder / n).exists() for n in SAMPLE_NAMES):
            return folder
    raise FileNotFoundError("找不到样例报告（shared/reports 或 data/reports）")


def build_sample_db(root: Path, *, extra: dict[str, bytes] | None = None) -> SampleDb:
    """Copy the five sample reports (and `extra` files) into root/reports and build root/fazhi.duckdb."""
    from pipeline.build.database import build_database

    reports = root / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    for name in SAMPLE_NAMES:
        shutil.copyfile(sample_dir() / name, reports / name)
    (reports / BROKEN).write_bytes(b"%PDF-1.4\nthis is not really a pdf\n%%EOF\n")
    for name, data in (extra or {}).items():
        (reports / name).write_bytes(data)
    db = SampleDb(root=root, reports=reports, db=root / "fazhi.duckdb", corrections=root / "corrections.csv")
    build_database([reports], db.db, corrections=db.corrections)
    return db
