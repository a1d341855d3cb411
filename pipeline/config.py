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


class ConfigError(ValueError):
    """An environment variable holds a value that cannot be used; the message (Chinese) names it."""


def max_file_bytes() -> int:
    """Files larger than this are refused before they are read (default 50 MB; FAZHI_MAX_FILE_MB may
    be fractional). A bad value stops with its name: read as 0 it would fail every file, and a build
    would then swap in a database without any report."""
    return max(1, int(_positive_number("FAZHI_MAX_FILE_MB", "50", "MB") * 1024 * 1024))


def parse_budget(size_bytes: int) -> float:
    """Seconds one file may take to parse before it is stopped with 解析超时: FAZHI_PARSE_SECONDS_PER_MB
    (default 2) per MB of file, at least FAZHI_PARSE_MIN_SECONDS (default 5). Linear extraction takes
    well under 1 s per MB; the margin is for a busy machine."""
    per_mb = _positive_number("FAZHI_PARSE_SECONDS_PER_MB", "2", "秒")
    least = _positive_number("FAZHI_PARSE_MIN_SECONDS", "5", "秒")
    return round(max(least, per_mb * size_bytes / (1024 * 1024)), 1)


def _positive_number(name: str, default: str, unit: str) -> float:
    raw = os.environ.get(name, default)
    try:
        x = float(raw)
    except ValueError:
        x = float("nan")
    if not 0 < x < float("inf"):
        raise ConfigError(f"环境变量 {name} 须为大于 0 的数字（单位 {unit}），而不是 {raw!r}")
    return x
