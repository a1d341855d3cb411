"""What the build tests share: the build command line and a file's checksum. Used by the build tests."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path


def build_cmd(folder: Path, db: Path, *extra: str) -> list[str]:
    """`python -m pipeline build` of one folder into db, corrections beside it, quietly."""
    return [sys.executable, "-m", "pipeline", "build", str(folder), "--db", str(db),
            "--corrections", str(db.parent / "corrections.csv"), "--quiet", *extra]  # fmt: skip


def file_sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()
