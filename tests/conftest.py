"""Fixtures shared by every test folder. Helpers that are not fixtures live in tests/support."""

from __future__ import annotations

import pytest

from tests.support.sample_db import EARLIER, SampleDb, build_sample_db, earlier_haiyan


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> SampleDb:
    """The sample database (five reports, a broken file, an earlier 海盐县 year), built once per
    session by the real build; read-only for the tests that use it."""
    return build_sample_db(tmp_path_factory.mktemp("dashboard_db"), extra={EARLIER: earlier_haiyan()})


@pytest.fixture(scope="session")
def analysis_db(tmp_path_factory: pytest.TempPathFactory) -> SampleDb:
    """The analysis database (tests/fixtures/analysis: two provinces, two years, townships, a province,
    a department and a national report, all 【测试数据】), built once per session by the real build."""
    from tests.support.analysis_db import build_analysis_db

    return build_analysis_db(tmp_path_factory.mktemp("analysis_db"))
