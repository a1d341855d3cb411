"""Time for each dashboard page to settle in headless Chromium on the sample database (target < 1 s).

Builds a temporary database from the sample reports, starts `streamlit run app.py` on a free port,
and for each page loads it once cold, then `--runs` times warm (cached queries), timing from
navigation until the script run has finished and every chart has drawn. Prints a table.

    .venv/bin/python -m benchmarks.page_speed [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, SampleDb, free_port, start_server  # noqa: E402

PAGES = {  # title: URL path (with a typical selection)
    "总览": "",
    "对比": "compare?ind=【行政复议】行政复议收案数&ind=【矛盾纠纷化解】调解矛盾纠纷数",
    "排名": "rank",
    "地区档案": "profile?place=海盐县",
    "数据下载": "download",
    "检索": "search?q=法律",
    "导入报告": "upload",
}
SETTLED = """() => document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]')
  && document.querySelector('h1')
  && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'))
  && !document.querySelector('[data-testid="stSkeleton"]')"""


def build_db(folder: Path) -> Path:
    from pipeline.build.database import build_database

    samples = next(p for p in (ROOT.parent / "shared" / "reports", ROOT / "data" / "reports") if p.exists())
    reports = folder / "reports"
    shutil.copytree(samples, reports)
    db = folder / "fazhi.duckdb"
    build_database([reports], db, corrections=folder / "corrections.csv")
    return db


def start(db: Path, folder: Path) -> tuple[subprocess.Popen, str]:
    """The app on a free loopback port against `db`, started as the browser tests start it."""
    port = free_port()
    sample = SampleDb(root=folder, reports=folder / "reports", db=db, corrections=folder / "corrections.csv")
    return start_server(sample, port), f"http://127.0.0.1:{port}"


def time_page(page, url: str) -> float:
    """Open a URL in the address bar (a shared link): a full page load, new session."""
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(SETTLED, timeout=60_000, polling=20)
    return time.perf_counter() - t0


def time_nav(page, title: str) -> float:
    """Click the page in the sidebar (how a supervisor moves around): same session, scripts loaded."""
    t0 = time.perf_counter()
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    page.wait_for_function(
        f"([t]) => document.querySelector('h1')?.textContent.includes(t) && ({SETTLED})()",
        arg=[title],
        timeout=60_000,
        polling=20,
    )
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = build_db(folder)
        proc, base = start(db, folder)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                rows = []
                for name, path in PAGES.items():
                    cold = time_page(page, f"{base}/{path}")
                    warm = [time_page(page, f"{base}/{path}") for _ in range(args.runs)]
                    rows.append([name, cold, statistics.median(warm), max(warm)])
                names = list(PAGES)
                nav: dict[str, list[float]] = {n: [] for n in names}
                for _ in range(args.runs):
                    for n, name in enumerate(names):
                        time_page(page, f"{base}/{PAGES[names[n - 1]]}")  # start from the previous page
                        nav[name].append(time_nav(page, name))
                for row in rows:
                    row += [statistics.median(nav[row[0]]), max(nav[row[0]])]
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print(f"页面稳定时间（秒；headless {CHROMIUM}；样例数据库；各 {args.runs} 次；目标 < 1 s）")
    print("  打开链接 = 在地址栏打开（整页加载、新会话）；侧栏切换 = 在应用内点侧栏（常用路径）")
    print(f"{'页面':<10}{'链接首次':>10}{'链接中位':>10}{'链接最慢':>10}{'侧栏中位':>10}{'侧栏最慢':>10}")
    for name, cold, med, worst, nav_med, nav_worst in rows:
        print(f"{name:<10}{cold:>10.2f}{med:>10.2f}{worst:>10.2f}{nav_med:>10.2f}{nav_worst:>10.2f}")


if __name__ == "__main__":
    main()
