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
