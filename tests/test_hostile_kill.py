"""Outputs are atomic: `xlplan consolidate` killed with SIGKILL never leaves a half-written master.

The real command runs in a child process (its own session, killed by its pid). One kill waits
for the temporary file of the new master to appear and strikes while it is being written; the
others strike at random points of a whole run (seeded). After every kill the previous master is
byte-identical, or (when the run had already finished) it is a complete new master; nothing but
hidden temporary files (`.master.xlsx.*.tmp`) is left beside it; the inputs are untouched.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.consolidate_helpers import write_plan_sections
from xlplan.sample import load_sample_plan

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

COMMAND = [sys.executable, "-c", "from xlplan.cli.main import cli; cli()", "consolidate"]
RANDOM_KILLS = 5


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def returned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five sections of the sample plan, as returned by mail."""
    plan = load_sample_plan()
    folder = tmp_path_factory.mktemp("returned")
    written = write_plan_sections(plan, folder)
    for extra in written[5:]:
        extra.unlink()
    return folder


def start(folder: Path, master: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*COMMAND, str(folder), "-o", str(master), "--fiscal-year", "2024"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the child we started (by its pid), if it is still running."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


def assert_intact(master: Path, previous: str) -> None:
    """The master is the previous one, byte for byte, or a complete new one; only hidden temporaries beside it."""
    if digest(master) != previous:
        with zipfile.ZipFile(master) as archive:
            assert archive.testzip() is None  # every part present and its CRC right
            assert "xl/workbook.xml" in archive.namelist()
    leftovers = {p.name for p in master.parent.iterdir()} - {master.name}
    assert all(name.startswith(f".{master.name}.") and name.endswith(".tmp") for name in leftovers), leftovers


def test_consolidate_killed_at_random_points_leaves_the_previous_master_intact(returned, tmp_path):
    inputs = {p: digest(p) for p in returned.iterdir()}
    master = tmp_path / "hq" / "master.xlsx"
    began = time.perf_counter()
    first = start(returned, master)
    assert first.wait(timeout=300) in (0, 1)
    full_run = time.perf_counter() - began
    previous = digest(master)

    # 1. strike while the new master is being written (its temporary file exists)
    struck_mid_write = False
    for _ in range(3):
        process = start(returned, master)
        while process.poll() is None and not any(p.name.endswith(".tmp") for p in master.parent.iterdir()):
            time.sleep(0.002)
        kill(process)
        assert_intact(master, previous)
        if digest(master) == previous:  # otherwise the rename won the race: try again
            struck_mid_write = True
            break
        previous = digest(master)
    assert struck_mid_write, "the run always finished before its temporary file could be struck"

    # 2. strike at random points of a whole run: before the rename the old master stays, after it
    #    the new one is complete; never anything in between
    rng = random.Random(9)
    for _ in range(RANDOM_KILLS):
        before = digest(master)
        process = start(returned, master)
        time.sleep(rng.uniform(0.0, full_run))
        kill(process)
        assert_intact(master, before)

    assert {p: digest(p) for p in returned.iterdir()} == inputs


def test_the_next_run_removes_the_temporary_a_killed_run_left(returned, tmp_path):
    master = tmp_path / "master.xlsx"
    for _ in range(5):  # strike while the temporary exists (a fast machine may finish first)
        process = start(returned, master)
        while process.poll() is None and not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
            time.sleep(0.002)
        kill(process)
        if any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
            break
    left = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert left, "the run always finished before its temporary file could be struck"
    assert start(returned, master).wait(timeout=300) in (0, 1)
    assert [p.name for p in tmp_path.iterdir()] == ["master.xlsx"]


# -- folder outputs: `revise` and `report` write a whole folder, which appears complete or not at all

FOLDER_KILLS = 2
CLI = [sys.executable, "-c", "from xlplan.cli.main import cli; cli()"]


@pytest.fixture(scope="module")
def returned_master(returned: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The master of two of the returned sections (a revision writes a workbook per section: keep it short)."""
    two = tmp_path_factory.mktemp("two")
    for path in sorted(returned.iterdir())[:2]:
        (two / path.name).write_bytes(path.read_bytes())
    master = tmp_path_factory.mktemp("hq") / "master.xlsx"
    assert start(two, master).wait(timeout=300) in (0, 1)
    return master


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder`: (size, modification time in ns)."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in files}


def assert_previous_or_complete(folder: Path, previous: dict[str, tuple[int, int]], began: int) -> None:
    """The folder is the previous one untouched, or a complete new one: every file written by the new run.

    A half-replaced folder (some files new, some old, some missing) fails; so does anything
    beside it but hidden temporaries of ours, which the next run removes.
    """
    now = snapshot(folder) if folder.exists() else {}
    if now != previous:
        assert set(now) == set(previous), set(now) ^ set(previous)
        assert all(mtime >= began for _, mtime in now.values())
        for name in now:
            if name.endswith(".xlsx"):
                with zipfile.ZipFile(folder / name) as archive:
                    assert archive.testzip() is None
    beside = [p.name for p in folder.parent.iterdir() if p != folder]
    assert all(name.startswith(f".{folder.name}.~xl") for name in beside), beside


@pytest.mark.parametrize(
    ("command", "marker"),
    [
        pytest.param(["revise"], "sections", marks=pytest.mark.slow, id="revise"),
        pytest.param(["report", "--no-pdf"], "report.html", id="report"),
    ],
)
def test_a_folder_output_killed_at_random_points_is_the_previous_or_the_complete_new_one(
    command, marker, returned_master, tmp_path
):
    master_digest = digest(returned_master)
    out = tmp_path / "out"
    args = [*CLI, command[0], str(returned_master), *command[1:], "-o", str(out)]

    def run() -> subprocess.Popen[bytes]:
        return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    began = time.perf_counter()
    assert run().wait(timeout=300) == 0
    full_run = time.perf_counter() - began
    previous = snapshot(out)
    assert any(name.startswith(marker) for name in previous)

    # 1. strike while the new folder is being written (its temporary sibling exists)
    process, started_ns = run(), time.time_ns()
    while process.poll() is None and not any(p.name.startswith(f".{out.name}.~xl") for p in tmp_path.iterdir()):
        time.sleep(0.002)
    struck = process.poll() is None
    kill(process)
    assert struck, "the run finished before its temporary folder could be struck"
    assert_previous_or_complete(out, previous, started_ns)
    assert snapshot(out) == previous

    # 2. strike at random points of a whole run
    rng = random.Random(18)
    for _ in range(FOLDER_KILLS):
        before = snapshot(out)
        process, started_ns = run(), time.time_ns()
        time.sleep(rng.uniform(0.0, full_run))
        kill(process)
        assert_previous_or_complete(out, before, started_ns)

    # the next run completes and clears what the killed ones left
    assert run().wait(timeout=300) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert digest(returned_master) == master_digest


WORKERS = """
import multiprocessing, sys, time
from concurrent.futures import ProcessPoolExecutor
from xlplan.app import reading

if __name__ == "__main__":
    context = multiprocessing.get_context("spawn")
    started = context.Event()
    pool = ProcessPoolExecutor(2, context, initializer=reading._start_worker, initargs=(started,))
    busy = [pool.submit(time.sleep, 600) for _ in range(2)]
    started.wait(120)
    print(" ".join(str(pid) for pid in pool._processes), flush=True)
    time.sleep(600)
"""


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie nobody reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_reading_processes_end_when_their_parent_is_killed():
    """The issue's case: killing `consolidate` left its two reading processes running for over a minute."""
    parent = subprocess.Popen(
        [sys.executable, "-c", WORKERS], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True
    )
    workers = [int(pid) for pid in parent.stdout.readline().split()]  # type: ignore[union-attr]
    assert len(workers) == 2 and all(alive(pid) for pid in workers)
    kill(parent)
    for _ in range(300):  # each busy for ten minutes more, unless it watches its parent
        if not any(alive(pid) for pid in workers):
            break
        time.sleep(0.1)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:  # ours: do not leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert left == []
