"""The real app in a real headless Chromium: a Streamlit server on a free localhost port pointed at
a database built from the sample reports, and Debian's /usr/bin/chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import (
    ARTIFACTS,
    CHROMIUM,
    EARLIER,
    SampleDb,
    build_sample_db,
    earlier_haiyan,
    free_port,
    launch_browser,
    start_server,
    stop_server,
)


@pytest.fixture(scope="session")
def e2e_db(tmp_path_factory: pytest.TempPathFactory) -> SampleDb:
    return build_sample_db(tmp_path_factory.mktemp("e2e_db"), extra={EARLIER: earlier_haiyan()})


@pytest.fixture(scope="session")
def server(e2e_db: SampleDb) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "需要 Debian 的 /usr/bin/chromium：运行 `make browser`（apt-get install chromium fonts-noto-cjk）"
        )
    port = free_port()
    proc = start_server(e2e_db, port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_browser(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True
    )
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
