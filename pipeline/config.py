"""Where things live. Every path can be moved with an environment variable (tests use temp dirs)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def reports_dir() -> Path:
    return Path(os.environ.get("FAZHI_REPORTS", ROOT / "data" / "reports"))


def db_path() -> Path:
    return Path(os.environ.get("FAZHI_DB", ROOT / "data" / "fazhi.duckdb"))


def corrections_csv() -> Path:
    return Path(os.environ.get("FAZHI_CORRECTIONS", ROOT / "data" / "corrections.csv"))


def max_file_bytes() -> int:
    """Files larger than this are refused before they are read (default 50 MB)."""
    return int(os.environ.get("FAZHI_MAX_FILE_MB", "50")) * 1024 * 1024
