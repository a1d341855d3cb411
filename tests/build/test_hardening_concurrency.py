"""Hardening under concurrent use and crashes, measured.

A soak: three reader processes run the dashboard's query functions in a loop while five builds run
back to back; every read must match a complete database state (no half-built one). Builds killed
with SIGKILL at seven points leave the previous database intact and the next build succeeds. Builds
started at once are serialised by the lock or refused with a clear message. Figures print with -s.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipeline.build.checks import run_checks
from pipeline.build.database import build_database
from pipeline.config import ROOT
from tests.support.build import build_cmd, file_sha
from tests.support.paths import REPORTS

SAMPLES = REPORTS  # the repo's copies of ../shared/reports
pytestmark = pytest.mark.slow


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAZHI_")}
    return {**env, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1", **extra}


def sample_years() -> dict[str, int]:
    from pipeline.parse.process import process_file

    return {p.name: process_file(p).meta.year for p in sorted(SAMPLES.glob("*.txt"))}


YEARS = sample_years()


def make_folder(folder: Path, per_sample: int, first_year: int = 2001) -> Path:
    """The five samples plus `per_sample` copies of each moved to other years: every file is a
    distinct current report (its own jurisdiction and year) with the sample's values."""
    folder.mkdir(parents=True)
    for name, year in YEARS.items():
        text = (SAMPLES / name).read_text(encoding="utf-8")
        (folder / name).write_text(text, encoding="utf-8")
        years = [y for y in range(first_year, 2100) if y != year][:per_sample]
        assert len(years) == per_sample
        for y in years:
            moved = text.replace(f"{year + 1}-", f"{y + 1}-").replace(str(year), str(y))
            (folder / f"{Path(name).stem}_{y}.txt").write_text(moved, encoding="utf-8")
    return folder


def contents(db: Path) -> dict[str, str]:
    """A checksum of every table's rows (sorted) and the list of views: the database's content."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1"
            ).fetchall()
        ]
        out = {
            t: hashlib.sha256(
                repr(con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall()).encode()
            ).hexdigest()[:16]
            for t in tables
        }
        out["views"] = ",".join(
            v
            for (v,) in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1"
            ).fetchall()
        )
        return out
    finally:
        con.close()


def checked(db: Path) -> tuple[int, int]:
    """(current reports, indicator rows) of a database that passes every check."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert run_checks(con) == []
        return (
            con.execute("SELECT count(*) FROM current_reports").fetchone()[0],
            con.execute("SELECT count(*) FROM indicators").fetchone()[0],
        )
    finally:
        con.close()


def temps(db: Path) -> list[Path]:
    return sorted(db.parent.glob(db.name + ".tmp-*"))


# --- soak: readers through the dashboard's query functions while builds swap the file --------------

READER = r'''
import hashlib, json, logging, sys, time, warnings
from pathlib import Path
warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)  # Streamlit warns that there is no script run context
from dashboard import data

def fingerprint():
    """What the dashboard shows of one database version, through its own query functions."""
    reports = data.load_reports()
    ids = sorted(reports["report_id"])
    values = data.load_values()
    coverage = data.load_coverage_matrix()
    hits = data.search_mentions("行政复议")
    text = data.load_report_text(ids[-1]) if ids else ""
    build = data.load_last_build()
    problems = data.load_build_problems(build["run_id"]) if build else None
    fp = {
        "reports": [len(ids), hashlib.sha256("|".join(ids).encode()).hexdigest()[:12]],
        "values": [len(values), round(float(values["value"].sum()), 3)],
        "coverage": [len(coverage), int((coverage == "有").to_numpy().sum())],
        "mentions": len(hits),
        "text": len(text),
        "build": None if build is None else str(build["run_id"]),
        "problems": None if problems is None else len(problems),
    }
    # a state is whole when these hold within it: every value belongs to a listed report, every report
    # has its values, the coverage matrix has a row per place and year and a 有 per value
    whole = (set(values["report_id"]) == set(ids)
             and len(coverage) == len(reports[["place", "year"]].drop_duplicates())
             and fp["coverage"][1] == len(values[["place", "year", "key"]].drop_duplicates())
             and values["place"].notna().all() and len(text) > 0)
    return fp, whole

mode, stop = sys.argv[1], sys.argv[2]
if mode == "once":
    print(json.dumps(fingerprint()[0], sort_keys=True))
    sys.exit(0)
reads = straddled = 0
errors, broken, states, parts = [], [], {}, {}
t0 = time.monotonic()
while not Path(stop).exists():
    data._query.clear()  # every loop reads the database, not the cache
    before = data.db_key()
    try:
        fp, whole = fingerprint()
    except Exception as e:  # any failure to read is an error of the soak
        errors.append(f"{type(e).__name__}: {str(e)[:200]}")
        continue
    after = data.db_key()
    reads += 1
    if before != after:  # a swap happened during this read: its parts may come from two versions
        straddled += 1
    else:
        key = json.dumps(fp, sort_keys=True)
        states[key] = states.get(key, 0) + 1
        if not whole:
            broken.append(key)
    for k, v in fp.items():
        # "text" and "problems" look up what another query returned (a report id, a run id): across a
        # swap that lookup lands in the other version, so only a read within one version checks them
        if before == after or k not in ("text", "problems"):
            parts.setdefault(k, set()).add(json.dumps(v))
print(json.dumps({"reads": reads, "straddled": straddled, "errors": errors, "broken": broken,
                  "states": states, "parts": {k: sorted(v) for k, v in parts.items()},
                  "seconds": time.monotonic() - t0}))
'''


def test_soak_three_readers_while_five_builds_run(tmp_path: Path) -> None:
    db = tmp_path / "db" / "fazhi.duckdb"
    db.parent.mkdir()
    small = make_folder(tmp_path / "small", 0)
    mid = make_folder(tmp_path / "mid", 40)
    big = make_folder(tmp_path / "big", 90)
    env = child_env(
        FAZHI_DB=str(db), FAZHI_REPORTS=str(small), FAZHI_CORRECTIONS=str(db.parent / "corrections.csv")
    )
    stop = tmp_path / "stop"

    def state() -> str:
        out = subprocess.run(
            [sys.executable, "-c", READER, "once", str(stop)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()

    subprocess.run(build_cmd(small, db), env=env, cwd=ROOT, check=True)
    known = [state()]
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, "loop", str(stop)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    time.sleep(3)  # the readers are reading before the first build starts
    plan = [(big, "--full"), (mid, "--full"), (big, None), (small, None), (mid, "--full")]
    t0 = time.monotonic()
    builds = []
    try:
        for folder, flag in plan:
            started = time.monotonic()
            proc = subprocess.run(
                build_cmd(folder, db, *([flag] if flag else [])),
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            builds.append((proc.returncode, proc.stderr[-1000:], time.monotonic() - started))
            known.append(state())  # the state this build swapped in, read while nothing else writes
    finally:
        time.sleep(1)
        stop.touch()
        outs = [r.communicate(timeout=120) for r in readers]
    seconds = time.monotonic() - t0
    assert [rc for rc, _, _ in builds] == [0] * 5, builds
    results = [json.loads(out) for out, err in outs]
    reads = sum(r["reads"] for r in results)
    errors = [e for r in results for e in r["errors"]]
    known_parts = {}
    for s in known:
        for k, v in json.loads(s).items():
            known_parts.setdefault(k, set()).add(json.dumps(v))
    half_built = [s for r in results for s in r["states"] if s not in known]
    half_built += [s for r in results for s in r["broken"]]
    half_built += [
        (k, v) for r in results for k, vs in r["parts"].items() for v in vs if v not in known_parts[k]
    ]
    seen = {s for r in results for s in r["states"]}
    straddled = sum(r["straddled"] for r in results)
    print(
        f"\n[soak] {len(readers)} readers × dashboard query functions (7 per read) while {len(plan)} builds ran "
        f"back to back in {seconds:.0f} s (build times {', '.join(f'{b[2]:.1f}' for b in builds)} s): "
        f"{reads:,} reads ({', '.join(str(r['reads']) for r in results)}), errors {len(errors)}, "
        f"half-built reads {len(half_built)}, {len(seen)} of {len(set(known))} database states seen, "
        f"{straddled} reads straddled a swap (each part still a whole state's)"
    )
    assert errors == [], errors[:5]
    assert half_built == [], half_built[:3]
    assert reads >= 100 and all(r["reads"] >= 20 for r in results)
    assert len(seen) >= 3, "the readers saw the database change under them"
    assert checked(db)[0] == 5 + 5 * 40
    assert temps(db) == []


# --- SIGKILL at several points of a build ----------------------------------------------------------

STOPPER = r'''
import runpy, sys, time
from pathlib import Path
point, nth, release = sys.argv[1], int(sys.argv[2]), sys.argv[3]
caller, _, target = point.rpartition(">")
hits = 0

def hook(frame, event, arg):
    """Stop the build at the nth arrival at `point` (a function, or caller>builtin call or return)
    until the file `release` appears (never, for "-": the test sends SIGKILL)."""
    global hits
    if event == "call":
        name = f"{frame.f_globals.get('__name__')}.{frame.f_code.co_name}"
    elif event in ("c_call", "c_return") and frame.f_code.co_name == caller:
        name = f"{event}:{getattr(arg, '__module__', None)}.{getattr(arg, '__name__', None)}"
    else:
        return
    if name == target:
        hits += 1
        if hits == nth:
            sys.setprofile(None)
            print(f"STOPPED AT {point}", file=sys.stderr, flush=True)
            while release == "-" or not Path(release).exists():
                time.sleep(0.05)

sys.argv = ["pipeline", *sys.argv[4:]]
sys.setprofile(hook)
runpy.run_module("pipeline", run_name="__main__")
'''

# (id, point, nth, what the database must be after the kill: "old" intact or "new" complete)
KILL_POINTS = [
    ("while-parsing", "pipeline.build.database._parse_all", 20, "old"),  # parse_one runs in a worker
    ("while-writing-rows", "pipeline.build.store.insert_rows", 3, "old"),
    ("while-checking", "pipeline.build.checks.run_checks", 1, "old"),
    ("before-checkpoint", "pipeline.build.database._finish", 1, "old"),
    ("before-swap", "pipeline.build.files.swap_in", 1, "old"),
    ("at-the-rename", "swap_in>c_call:posix.replace", 1, "old"),
    ("after-the-rename", "swap_in>c_return:posix.replace", 1, "new"),
]


@pytest.fixture(scope="module")
def kill_setup(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The old database (the five samples) and the new folder, with a clean build of it to compare."""
    root = tmp_path_factory.mktemp("kill")
    old_folder = make_folder(root / "old", 0)
    new_folder = make_folder(root / "new", 8)
    pristine = root / "pristine" / "fazhi.duckdb"
    build_database([old_folder], pristine, corrections=root / "c.csv", workers=1)
    reference = root / "reference" / "fazhi.duckdb"
    build_database([new_folder], reference, corrections=root / "c.csv", workers=1)
    return {"old": old_folder, "new": new_folder, "pristine": pristine, "reference": reference}


def indicator_rows(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            'SELECT report_id, key, value, start, "end" FROM indicators ORDER BY ALL'
        ).fetchall()
    finally:
        con.close()


def wait_for(proc: subprocess.Popen, marker: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    line = ""
    while marker not in line:
        assert time.monotonic() < deadline, f"no {marker!r} within {timeout} s"
        line = proc.stderr.readline()
        assert line or proc.poll() is None, "the build ended before the kill point"


@pytest.mark.parametrize(
    ("point", "nth", "after"), [p[1:] for p in KILL_POINTS], ids=[p[0] for p in KILL_POINTS]
)
def test_sigkill_at_a_point_keeps_the_old_database_and_the_next_build_succeeds(
    kill_setup, tmp_path, point, nth, after
):
    db = tmp_path / "fazhi.duckdb"
    shutil.copyfile(kill_setup["pristine"], db)
    before_sha, before = file_sha(db), contents(db)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            STOPPER,
            point,
            str(nth),
            "-",
            "build",
            str(kill_setup["new"]),
            "--db",
            str(db),
            "--corrections",
            str(tmp_path / "c.csv"),
            "--workers",
            "1",
            "--full",
        ],
        env=child_env(),
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(proc, "STOPPED AT")
        left = temps(db)
        tmp_size = sum(p.stat().st_size for p in left if p.is_file())
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    if after == "old":
        assert left, "the kill came while the new database was still a temporary file"
        assert file_sha(db) == before_sha and contents(db) == before, "the previous database is intact"
        assert checked(db) == (5, checked(db)[1])
    else:
        assert indicator_rows(db) == indicator_rows(kill_setup["reference"]), "the new database is whole"
        assert checked(db)[0] == 5 + 5 * 8
    s = build_database([kill_setup["new"]], db, corrections=tmp_path / "c.csv")
    assert s.failed == [] and checked(db)[0] == 5 + 5 * 8
    assert indicator_rows(db) == indicator_rows(kill_setup["reference"])
    assert temps(db) == [], "the killed build's temporary files are cleaned up"
    print(
        f"\n[sigkill {point} #{nth}] temp file {tmp_size / 1024:,.0f} KB at the kill; database afterwards: "
        f"{'old, unchanged' if after == 'old' else 'new, complete'}; next build: {s.parsed} parsed, "
        f"{s.unchanged} unchanged, 0 failed; data lost 0"
    )


def running(pid: int) -> bool:
    """The process exists and is not a zombie (an orphan's zombie waits for init to reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def test_sigkill_during_a_parallel_parse_leaves_no_workers_behind(kill_setup, tmp_path):
    """Killed from outside while two spawned workers parse: the database is intact and the orphaned
    workers exit on their own."""
    db = tmp_path / "fazhi.duckdb"
    shutil.copyfile(kill_setup["pristine"], db)
    before = contents(db)
    folder = make_folder(tmp_path / "many", 60)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline",
            "build",
            str(folder),
            "--db",
            str(db),
            "--corrections",
            str(tmp_path / "c.csv"),
            "--workers",
            "2",
            "--full",
            "--progress",
        ],
        env=child_env(),
        cwd=ROOT,
        stderr=subprocess.PIPE,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    buf = b""
    while "解析报告".encode() not in buf:  # the progress bar of the parse has started
        assert time.monotonic() < deadline and proc.poll() is None
        buf += os.read(proc.stderr.fileno(), 4096)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    while len(workers) < 2 and time.monotonic() < deadline:
        workers |= {int(x) for x in children.read_text().split()}
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(workers) >= 2
    gone_by = time.monotonic() + 30
    alive = workers
    while alive and time.monotonic() < gone_by:
        alive = {p for p in workers if running(p)}
        time.sleep(0.2)
    assert not alive, f"workers still running after the build was killed: {alive}"
    assert contents(db) == before
    s = build_database([folder], db, corrections=tmp_path / "c.csv")
    assert s.failed == [] and checked(db)[0] == 305
    print(
        f"\n[sigkill parallel parse] {len(workers)} worker processes exited by themselves; old database "
        f"intact; next build {s.parsed} parsed"
    )


# --- builds started at once -------------------------------------------------------------------------


def test_three_builds_started_at_once_are_serialised_and_lose_nothing(tmp_path):
    db = tmp_path / "db" / "fazhi.duckdb"
    folders = {n: make_folder(tmp_path / f"f{n}", n) for n in (0, 10, 30)}
    t0 = time.monotonic()
    procs = {
        n: subprocess.Popen(build_cmd(f, db), env=child_env(), cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for n, f in folders.items()
    }
    results = {n: (p.wait(timeout=600), p.stderr.read()) for n, p in procs.items()}
    seconds = time.monotonic() - t0
    assert all(rc == 0 for rc, _ in results.values()), results
    con = duckdb.connect(str(db), read_only=True)
    try:
        runs = con.execute(
            "SELECT run_id, started_at, finished_at, files_seen FROM builds ORDER BY finished_at"
        ).fetchall()
        assert run_checks(con) == []
        current = con.execute("SELECT count(*) FROM current_reports").fetchone()[0]
    finally:
        con.close()
    assert len(runs) == 3, "each build carried the earlier builds' records over: none was lost"
    assert current == runs[-1][3], "the database is the last build's folder, whole"
    assert temps(db) == []
    print(
        f"\n[three builds at once] 3 started within a second, all exit 0 in {seconds:.1f} s, run one after "
        f"another (files {', '.join(str(r[3]) for r in runs)}); builds table keeps all 3 runs; "
        f"final database {current} reports, checks pass"
    )


def test_a_second_build_waits_then_is_refused_with_a_clear_message(tmp_path):
    """The first build is held inside its checks (lock taken, temp file half done); a second build with
    --wait 0 is refused at once, one with --wait 2 after waiting 2 s; neither touches the database."""
    db = tmp_path / "fazhi.duckdb"
    small = make_folder(tmp_path / "small", 0)
    big = make_folder(tmp_path / "big", 20)
    build_database([small], db, corrections=tmp_path / "c.csv")
    before = contents(db)
    release = tmp_path / "release"
    first = subprocess.Popen(
        [
            sys.executable,
            "-c",
            STOPPER,
            "pipeline.build.checks.run_checks",
            "1",
            str(release),
            *build_cmd(big, db, "--full")[3:],
        ],
        env=child_env(),
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    refusals = []
    try:
        wait_for(first, "STOPPED AT")
        for wait in ("0", "2"):
            t0 = time.monotonic()
            second = subprocess.run(
                build_cmd(small, db, "--wait", wait),
                env=child_env(),
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            refusals.append((wait, second.returncode, second.stderr.strip(), time.monotonic() - t0))
        assert first.poll() is None and contents(db) == before, "the refused builds changed nothing"
    finally:
        release.touch()
    assert first.wait(timeout=600) == 0, first.stderr.read()
    for wait, rc, err, seconds in refusals:
        assert rc == 1
        assert err.startswith("构建失败：另一个构建正在写 fazhi.duckdb") and "本次构建已放弃" in err
        assert err.endswith("数据库未更新，旧数据库保持不变")
        assert seconds >= float(wait)
    assert checked(db)[0] == 5 + 5 * 20
    print(
        f"\n[second build] refused after {refusals[0][3]:.1f} s (--wait 0) and {refusals[1][3]:.1f} s "
        f"(--wait 2) with: {refusals[0][2][:60]}…; database unchanged meanwhile; the first build then "
        f"finished: 105 reports, checks pass"
    )
