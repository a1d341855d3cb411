"""The file-system side of a build: finding report files, hashing them, the build lock, the
temporary database file and the progress bar. No parsing and no SQL here."""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import os
import re
import shutil
import stat
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline import parse

SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf")
PARSER_PACKAGES = ("opencc", "charset-normalizer", "trafilatura", "python-docx", "pypdf", "cn2an")


class LockTimeout(Exception):
    """Another build holds the lock for longer than we were willing to wait."""


@dataclass(frozen=True)
class FoundFile:
    """A report file to build: its id (relative path), where it is, and what it holds."""

    report_id: str
    path: Path
    mtime: datetime
    sha256: str = ""

    @property
    def source(self) -> str:
        """The path as text the database can store (see path_text)."""
        return path_text(str(self.path))


def path_text(s: str) -> str:
    """A file name as valid Unicode. A name that is not UTF-8 (GBK bytes from a zip made on Chinese
    Windows) reaches Python with surrogates, which no database column accepts: such a path part is
    read as GB18030 instead, so it shows as the Chinese it was."""
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return "/".join(
            part if _utf8(part) else os.fsencode(part).decode("gb18030", "replace") for part in s.split("/")
        )


CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def shown(s: str) -> str:
    """A file name safe to print on a terminal: valid Unicode (path_text), and control characters
    (an escape sequence, a line break, a bidi override inside a name) written as \\xNN instead."""
    return CONTROL_CHARS.sub(lambda m: f"\\x{ord(m.group()):02x}", path_text(s))


def _utf8(s: str) -> bool:
    try:
        s.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def find_report_files(paths: Sequence[Path]) -> tuple[list[FoundFile], list[tuple[str, str]]]:
    """Files under the given folders (recursively) and the files given directly.

    report_id is the path relative to the folder it was found in (posix), or the file name for a
    file given directly. Returns the files and (source, reason) for files that cannot be built."""
    found: dict[str, FoundFile] = {}
    seen: set[tuple[int, int]] = set()  # (device, inode): one file reached twice is built once
    refused: list[tuple[str, str]] = []
    for root in paths:
        root = Path(root)
        candidates = _walk(root, "", refused, set()) if root.is_dir() else iter([(root, root.name)])
        for path, report_id in candidates:
            report_id, source = path_text(report_id), path_text(str(path))
            try:
                st = path.stat()
            except OSError as e:
                refused.append((source, f"无法读取文件：{e.strerror or e}"))
                continue
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end when hashed
                refused.append((source, "不是普通文件，无法导入"))
            elif path.suffix.lower() not in SUFFIXES:
                refused.append(
                    (
                        source,
                        f"不支持的文件类型 {path.suffix or '（无扩展名）'}，只能导入 txt、html、docx、pdf",
                    )
                )
            elif report_id in found:
                refused.append(
                    (
                        source,
                        f"报告编号 {report_id} 与 {found[report_id].source} 重复"
                        "（不同文件夹里的同名文件），已跳过",
                    )
                )
            else:
                found[report_id] = FoundFile(report_id, path, datetime.fromtimestamp(st.st_mtime))
    return list(found.values()), refused


def _walk(
    folder: Path,
    prefix: str,
    refused: list[tuple[str, str]],
    walked: set[tuple[int, int]],
    inside: str | None = None,
) -> Iterator[tuple[Path, str]]:
    """(path, report_id) of every file under folder, sorted, skipping hidden and temporary files.
    A folder reached again through a symlink (a loop) is walked once; one that cannot be listed is
    refused with its reason instead of stopping the build. A symlink that leads out of the folder
    (`inside`, the top folder's real path) is refused, not followed: /etc/passwd is not a report.
    A FIFO, device or socket is refused with its reason (reading one would block or never end)."""
    inside = inside or os.path.realpath(folder)
    try:
        st = folder.stat()
        if (st.st_dev, st.st_ino) in walked:
            return
        walked.add((st.st_dev, st.st_ino))
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        refused.append((path_text(str(folder)), f"无法读取文件夹：{e.strerror or e}"))
        return
    for e in entries:
        if _hidden(e.name):
            continue
        try:
            if e.is_symlink() and not _within(os.path.realpath(e.path), inside):
                refused.append((path_text(e.path), "符号链接指向报告文件夹以外，未跟随，已跳过"))
                continue
            is_dir, is_file = e.is_dir(), e.is_file()
            exists = is_dir or is_file or os.path.exists(e.path)
        except OSError as err:  # e.g. a symlink that points at itself
            refused.append((path_text(e.path), f"无法读取：{err.strerror or err}"))
            continue
        if is_dir:
            yield from _walk(Path(e.path), f"{prefix}{e.name}/", refused, walked, inside)
        elif is_file:
            yield Path(e.path), prefix + e.name
        elif not exists:
            refused.append((path_text(e.path), "符号链接指向的文件不存在，已跳过"))
        else:
            refused.append((path_text(e.path), "不是普通文件（管道、设备或套接字），已跳过"))


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _hidden(name: str) -> bool:
    """Dot files, Office lock files (~$x.docx) and editor backups are not reports."""
    return name.startswith((".", "~$")) or name.endswith("~")


def hash_file(f: FoundFile) -> FoundFile | str:
    """The file with its sha256 filled in, or why it cannot be read."""
    try:
        h = hashlib.sha256()
        with open(f.path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except OSError as e:
        return f"无法读取文件：{e.strerror or e}"
    return FoundFile(f.report_id, f.path, f.mtime, h.hexdigest())


def parser_version(with_mentions: bool) -> str:
    """A fingerprint of everything that decides what a file parses to: the modules of
    `pipeline/parse` (rules and tables included) and the versions of the reading libraries. A new one re-parses every file."""
    h = hashlib.sha256()
    here = Path(parse.__file__).parent  # the parse package decides the result, nothing else
    for p in sorted(here.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(p.relative_to(here).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    for name in PARSER_PACKAGES:
        try:
            h.update(f"{name}={importlib.metadata.version(name)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            pass
    return h.hexdigest()[:16] + ("+mentions" if with_mentions else "")


@contextmanager
def build_lock(db_path: Path, timeout: float) -> Iterator[None]:
    """Hold `<db>.lock` exclusively for the build; wait up to `timeout` seconds for another build."""
    lock = db_path.with_name(db_path.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"另一个构建正在写 {db_path.name}（锁文件 {lock}），等了 {timeout:g} 秒仍未结束，"
                        "本次构建已放弃"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # closing releases the lock; the lock file stays (removing it would race)


def temp_db_path(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.name}.tmp-{os.getpid()}")


def remove_stale_temps(db_path: Path) -> list[Path]:
    """Delete temporary files left by killed builds. Call only while holding the build lock:
    then no other build is writing one."""
    removed = []
    for p in db_path.parent.glob(db_path.name + ".tmp-*"):  # also DuckDB's spill folder `<tmp>.tmp`
        try:
            shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
            removed.append(p)
        except FileNotFoundError:
            pass
    return removed


def swap_in(tmp: Path, db_path: Path) -> None:
    """Make the finished temporary database the real one: fsync, then one atomic os.replace."""
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    wal = db_path.with_name(db_path.name + ".wal")
    if wal.exists():  # a WAL of the old file would be replayed into the new one
        wal.unlink()
    os.replace(tmp, db_path)
    dir_fd = os.open(db_path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class Progress:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, label: str, total: int, enabled: bool) -> None:
        self.label, self.total, self.enabled = label, total, enabled and total > 0
        self.done = self.shown = 0
        self.started = self.drawn = time.monotonic()

    def update(self, n: int = 1) -> None:
        self.done += n
        if self.enabled and (time.monotonic() - self.drawn >= 0.1 or self.done >= self.total):
            self._draw()

    def _draw(self) -> None:
        self.drawn, self.shown = time.monotonic(), self.done
        width = 30
        filled = width * self.done // self.total
        bar = "█" * filled + "·" * (width - filled)
        sys.stderr.write(
            f"\r{self.label} [{bar}] {self.done}/{self.total}  {self.drawn - self.started:.0f} 秒"
        )
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            if self.shown != self.done:
                self._draw()
            sys.stderr.write("\n")
            sys.stderr.flush()
