"""The dashboard at scale: each page's time to settle in headless Chromium against a big database,
and the app's peak memory (VmHWM of the streamlit process).

Used by run_all.py (`make bench`); the server, browser and timing come from page_speed.py, so the
two benchmarks measure "settled" the same way (script run finished, every chart drawn)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from benchmarks import page_speed


@dataclass
class PageTime:
    """Seconds until a page settled; None when it did not settle within page_speed's time limit."""

    name: str
    first: float | None  # first open after the server started (cold caches)
    link: float | None  # median of later opens by URL (full page load, new session)
    nav: float | None  # median of sidebar clicks inside one session


def _timed(fn, *args) -> float | None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        return fn(*args)
    except PlaywrightTimeout:
        return None


def _median(xs: list[float | None]) -> float | None:
    return None if None in xs else statistics.median(xs)


def vm_hwm_mb(pid: int) -> float:
    """Peak resident memory of one process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def time_pages(db: Path, folder: Path, place: str, runs: int = 2) -> tuple[list[PageTime], float]:
    """Open every page `runs` times by URL and by sidebar; return the times and the app's peak MB.
    `folder` holds reports/ (the upload page's target); `place` is a jurisdiction in the database."""
    from playwright.sync_api import sync_playwright

    pages = dict(page_speed.PAGES)
    pages["地区档案"] = f"profile?place={place}"
    proc, base = page_speed.start(db, folder)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=page_speed.CHROMIUM, headless=True, args=page_speed.CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            first = {
                name: _timed(page_speed.time_page, page, f"{base}/{path}") for name, path in pages.items()
            }
            link = {
                name: [_timed(page_speed.time_page, page, f"{base}/{path}") for _ in range(runs)]
                for name, path in pages.items()
            }
            names = list(pages)
            nav: dict[str, list[float | None]] = {n: [] for n in names}
            for _ in range(runs):
                for i, name in enumerate(names):
                    _timed(
                        page_speed.time_page, page, f"{base}/{pages[names[i - 1]]}"
                    )  # from the previous page
                    nav[name].append(_timed(page_speed.time_nav, page, name))
            browser.close()
        peak = vm_hwm_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    times = [PageTime(n, first[n], _median(link[n]), _median(nav[n])) for n in names]
    return times, peak
