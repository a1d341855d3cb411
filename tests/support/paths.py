"""Where things are: the checkout, its sample reports and the shared folder beside it."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
REPORTS = ROOT / "data" / "reports"


def shared(*parts: str) -> Path:
    """A path under ../shared; fails (never skips) with a plain message when it is not there."""
    import pytest

    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"需要 {path}：../shared 应放在仓库旁（开发集、金标与评分脚本都在那里）", pytrace=False)
    return path
