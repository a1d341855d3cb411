"""Helpers for the browser tests: a Streamlit server on a free localhost port pointed at a given
database, Debian's /usr/bin/chromium launched by Playwright, and the wait for a page to settle."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

from tests.support.paths import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
from tests.support.sample_db import EARLIER, SampleDb, build_sample_db, earlier_haiyan, sample_dir  # noqa: E402

__all__ = ["EARLIER", "SampleDb", "build_sample_db", "earlier_haiyan", "sample_dir"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    db: SampleDb, port: int, timeout: float = 60.0, env: dict | None = None, args: tuple = ()
) -> subprocess.Popen:
    """`streamlit run app.py` headless on 127.0.0.1:port (`env` and Streamlit `args` added);
    returns once /_stcore/health answers."""
    env = {**os.environ, **db.env(), "PYTHONPATH": str(ROOT), **(env or {})}
    log = open(db.root / f"streamlit_{port}.log", "wb")  # noqa: SIM115  (closed with the process)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            *args,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited: {(db.root / f'streamlit_{port}.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError("streamlit did not answer within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def settle(page, timeout: float = 30_000) -> None:
    """Wait until the script run has finished and every Plotly chart has drawn."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                 .every(c => c.querySelector('.main-svg'))
              && !document.querySelector('[data-testid="stSkeleton"]')""",
        timeout=timeout,
    )


def pick(page, label: str, option: str, widget: str = "stSelectbox") -> None:
    """Choose `option` in the selectbox labelled `label`, typed (long option lists are virtual); once
    more if a rerun redrew the list under the pointer."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.get_by_test_id(widget).filter(has=page.get_by_text(label, exact=True)).first
    for attempt in range(3):
        try:
            settle(page)
            box.get_by_role("combobox").click()
            box.get_by_role("combobox").fill(option)
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            if attempt == 2:
                raise
    page.wait_for_timeout(300)
    settle(page)
