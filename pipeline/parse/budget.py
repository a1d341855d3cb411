"""Parse files in worker processes that are stopped when a file runs over its time budget.

One file can never hold a build, the extract command or the dashboard: each runs in a worker
process (a fresh `python -m pipeline.parse.budget`: no build lock, no DuckDB threads, no Streamlit
state inherited), and a worker still busy at its file's deadline is killed and replaced; the file
fails with `解析超时` and the batch goes on. A worker that dies (out of memory, a crash in a
library) fails its file alone, the same way."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from pipeline import config
from pipeline.parse.records import MissingDependency, ReportResult

POLL = 0.2  # seconds between checks of `should_stop` while waiting for workers
READY = "ready"  # a worker's first message: loaded and warm, its files' budgets can start
PROCESS_FILE = "pipeline.parse.process:process_file"  # by name: the caller does not import the parser


class WorkerError(RuntimeError):
    """A worker could not start, or a library is missing (a broken install): the message (Chinese)
    says so, and the batch stops, since every file would fail the same way."""


@dataclass(frozen=True)
class Failure:
    """A file the worker gave no result for: over budget, or the worker died or raised."""

    reason: str  # plain Chinese, for the summary
    fatal: bool = False  # a broken install (MissingDependency): the batch stops with the reason


def timeout_message(seconds: float) -> str:
    return f"解析超时：超过 {seconds:g} 秒的时限仍未读完（文件过大或结构异常），已停止解析该文件"


def budget_for(path: str | Path) -> float:
    """The file's time budget from its size (config.parse_budget); a file that cannot be stat'ed gets
    the minimum (reading it will fail quickly anyway)."""
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0
    return config.parse_budget(size)


def _worker(conn_in: Connection, conn_out: Connection, func: Callable, parent: int) -> None:
    """A worker's loop: receive (index, args), send back (index, result or Failure). Exits when the
    parent is gone (the pipe closes, or the watcher sees it is no longer alive)."""
    _watch(parent)
    _warm_up()
    conn_out.send(READY)
    while True:
        try:
            index, args = conn_in.recv()
        except (EOFError, OSError):
            return
        try:
            result = func(*args)
        except (MissingDependency, ImportError) as e:  # every file would fail alike: stop the batch
            missing = e if isinstance(e, MissingDependency) else MissingDependency(e.name or str(e))
            result = Failure(str(missing), fatal=True)
        except Exception as e:  # a bug in the parser fails this file, named in the summary
            result = Failure(f"解析程序出错：{type(e).__name__}: {str(e)[:200]}")
        try:
            conn_out.send((index, result))
        except (BrokenPipeError, OSError):
            return


def _warm_up() -> None:
    """Load the parser's tables (OpenCC, the place names, the indicator table) before the first
    file, so a file's budget is spent on the file."""
    from pipeline.parse.extract import extract_indicators
    from pipeline.parse.metadata import find_metadata
    from pipeline.parse.normalise import normalise_text

    text = normalise_text("2024年,某縣全年收到行政復議案件12件。")[0]
    extract_indicators(text, year=2024, jurisdiction=find_metadata(text).jurisdiction)


def _watch(parent: int, every: float = 0.5) -> None:
    """Exit this worker when `parent` is gone, even in the middle of a file."""

    def watch() -> None:
        while True:
            time.sleep(every)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


class _Slot:
    """One worker process, its two pipes and the job it is running."""

    def __init__(self, func: Callable | str) -> None:
        jobs_r, jobs_w = os.pipe()
        results_r, results_w = os.pipe()
        target = func if isinstance(func, str) else f"{func.__module__}:{func.__qualname__}"
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(filter(None, [str(config.ROOT), os.environ.get("PYTHONPATH")])),
        )
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipeline.parse.budget",
                str(jobs_r),
                str(results_w),
                str(os.getpid()),
                target,
            ],
            pass_fds=(jobs_r, results_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        os.close(jobs_r)
        os.close(results_w)
        self.send, self.conn = Connection(jobs_w, readable=False), Connection(results_r, writable=False)
        self.job: int | None = None
        self.ready = False  # the worker has loaded the parser and said so
        self.deadline = 0.0
        self.budget = 0.0

    def give(self, index: int, args: tuple, budget: float) -> None:
        self.job, self.budget, self.deadline = index, budget, time.monotonic() + budget
        self.send.send((index, args))

    def stop(self) -> None:
        """Kill the worker (SIGKILL: a parser stuck in C code does not answer SIGTERM) and reap it."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.send.close()
        self.conn.close()


def run_with_budget(
    func: Callable | str,
    jobs: Sequence[tuple],
    budgets: Sequence[float],
    workers: int = 1,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[object]:
    """func(*job) for every job, in order, each in a worker with its budget in seconds: the result,
    or a Failure (over budget, the worker died, or func raised). `func` must be importable by name;
    it may be given as "module:name", so the caller need not import the parser itself.
    `should_stop` is asked every POLL seconds; when it says yes, every worker is killed and
    StopIteration ends the results early. Leaving the loop early kills the workers too."""
    if not jobs:
        return
    slots = [_Slot(func) for _ in range(max(1, min(workers, len(jobs))))]
    done: dict[int, object] = {}
    queued = iter(range(len(jobs)))
    following = 0  # the next index to yield
    try:
        while following < len(jobs):
            while following in done:
                yield done.pop(following)
                following += 1
            if following >= len(jobs):
                break
            busy = [s.deadline for s in slots if s.job is not None]
            timeout = min(POLL, max(0.0, min(busy) - time.monotonic())) if busy else POLL
            ready = wait([s.conn for s in slots if s.job is not None or not s.ready], timeout=timeout)
            for i, slot in enumerate(slots):
                if slot.conn in ready:
                    try:
                        message = slot.conn.recv()
                    except (EOFError, OSError):  # died: out of memory, a crash in C, a broken install
                        if slot.job is None:
                            raise WorkerError(_died(slot, "解析进程无法启动")) from None
                        message = (slot.job, Failure(_died(slot, "解析进程意外退出")))
                        slots[i] = slot = _replace(slot, func)
                    if message == READY:
                        slot.ready = True
                    else:
                        index, result = message
                        if isinstance(result, Failure) and result.fatal:
                            raise WorkerError(result.reason)
                        done[index] = result
                        slot.job = None
                elif slot.job is not None and time.monotonic() >= slot.deadline:
                    done[slot.job] = Failure(timeout_message(slot.budget))
                    slots[i] = slot = _replace(slot, func)
                if slot.ready and slot.job is None and (index := next(queued, None)) is not None:
                    slot.give(index, jobs[index], budgets[index])
            if should_stop is not None and should_stop():
                return
    finally:
        for slot in slots:
            slot.stop()


def _replace(slot: _Slot, func: Callable | str) -> _Slot:
    slot.stop()
    return _Slot(func)


def _died(slot: _Slot, what: str) -> str:
    try:
        code = slot.proc.wait(1)
    except subprocess.TimeoutExpired:
        code = None
    why = "可能是内存不足" if code in (-9, 137) else f"退出码 {code}"
    return f"{what}（{why}）" + ("，该文件未能读完" if slot.job is not None else "，请检查安装（报错见上方）")


def process_file_with_budget(
    path: str | Path,
    *,
    with_mentions: bool = True,
    budget: float | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ReportResult:
    """process_file in a worker that is killed over budget (default: config.parse_budget of the
    file's size) or when `should_stop()` turns true (the dashboard passes "the session has ended");
    either way a ReportResult with ok=False and the reason comes back. For the upload page, so a
    file is never parsed inside the Streamlit server process."""
    seconds = budget_for(path) if budget is None else budget
    for outcome in run_with_budget(PROCESS_FILE, [(path, with_mentions)], [seconds], 1, should_stop):
        return as_result(str(path), outcome)
    return ReportResult(source=str(path), ok=False, error="解析已取消")


def as_result(source: str, outcome: object) -> ReportResult:
    """A worker's outcome as a ReportResult (a Failure becomes ok=False with its reason)."""
    if isinstance(outcome, Failure):
        return ReportResult(source=source, ok=False, error=outcome.reason)
    assert isinstance(outcome, ReportResult)
    return outcome


def main(argv: list[str]) -> None:
    """The worker process: `python -m pipeline.parse.budget JOBS_FD RESULTS_FD PARENT_PID MODULE:FUNC`."""
    jobs_fd, results_fd, parent, target = int(argv[0]), int(argv[1]), int(argv[2]), argv[3]
    module, _, name = target.partition(":")
    func = importlib.import_module(module)
    for part in name.split("."):
        func = getattr(func, part)
    _worker(Connection(jobs_fd, writable=False), Connection(results_fd, readable=False), func, parent)


if (
    __name__ == "__main__"
):  # run as the module's real name, so a Failure pickles as pipeline.parse.budget.Failure
    from pipeline.parse.budget import main as worker_main

    worker_main(sys.argv[1:])
