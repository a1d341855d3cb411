"""The architecture as tests: the rooms import only what they may, and a restructuring leaves the
database it builds unchanged."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.build.database import build_database
from tests.support.dbdiff import differences
from tests.support.paths import REPORTS, ROOT


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions included)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def _offenders(files: list[Path], forbidden: str) -> list[str]:
    return [
        f"{f.relative_to(ROOT) if f.is_relative_to(ROOT) else f.name} → {m}"
        for f in files
        for m in sorted(_imports(f))
        if m == forbidden or m.startswith(forbidden + ".")
    ]


def test_parse_never_imports_build() -> None:
    files = sorted((ROOT / "pipeline" / "parse").rglob("*.py"))
    assert files and not _offenders(files, "pipeline.build")


def test_pages_and_app_never_import_the_pipeline() -> None:
    files = [ROOT / "app.py", *sorted((ROOT / "dashboard" / "pages").glob("*.py"))]
    assert len(files) > 5 and not _offenders(files, "pipeline")


def test_only_importing_reaches_the_pipeline_from_the_dashboard() -> None:
    """The dashboard's one door to the pipeline is dashboard/importing.py (the briefing command and
    the data layer go through it too)."""
    files = [f for f in sorted((ROOT / "dashboard").rglob("*.py")) if f.name != "importing.py"]
    assert not _offenders(files, "pipeline")


def test_the_checks_catch_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "page.py"
    bad.write_text("def f():\n    from pipeline.build.corrections import add_correction\n", encoding="utf-8")
    assert _offenders([bad], "pipeline") == [
        "page.py → pipeline.build.corrections",
        "page.py → pipeline.build.corrections.add_correction",
    ]


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The default reports built twice from scratch, from the same folder, into two files."""
    root = tmp_path_factory.mktemp("builds")
    shutil.copytree(REPORTS, root / "reports")
    out = [root / "first.duckdb", root / "second.duckdb"]
    for db in out:
        build_database([root / "reports"], db, corrections=root / "corrections.csv")
    return out[0], out[1]


def test_two_builds_of_the_same_reports_are_identical(two_builds: tuple[Path, Path]) -> None:
    assert differences(*two_builds) == []


def test_the_comparison_sees_a_changed_value(two_builds: tuple[Path, Path], tmp_path: Path) -> None:
    changed = tmp_path / "changed.duckdb"
    shutil.copyfile(two_builds[1], changed)
    con = duckdb.connect(str(changed))
    con.execute("UPDATE indicators SET value = value + 1 WHERE key = 'reconsideration_received'")
    con.close()
    diff = differences(two_builds[0], changed)
    assert diff and diff[0].startswith("indicators：行不同")
