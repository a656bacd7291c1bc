"""Outputs are written atomically and readable like any other file the user writes."""

import os
import stat
import time

import pytest

from xlplan.io.atomic import atomic_output, atomic_write, remove_stale_temporaries, temporary_name


def test_the_target_appears_whole_with_ordinary_permissions(tmp_path):
    target = tmp_path / "master.xlsx"
    atomic_write(target, lambda tmp: tmp.write_bytes(b"new"))
    assert target.read_bytes() == b"new"
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["master.xlsx"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "master.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("writer failed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["master.xlsx"]


def test_a_day_old_temporary_of_an_earlier_version_is_removed_and_others_are_kept(tmp_path):
    target = tmp_path / "master.xlsx"
    legacy, fresh, foreign = (
        tmp_path / ".master.xlsx.ab_cd123.tmp",
        tmp_path / ".master.xlsx.zz99zz99.tmp",
        tmp_path / ".other.xlsx.ab_cd123.tmp",
    )
    for path in (legacy, fresh, foreign):
        path.write_bytes(b"half")
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(legacy, (day_ago, day_ago))
    os.utime(foreign, (day_ago, day_ago))
    atomic_write(target, lambda tmp: tmp.write_bytes(b"new"))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, fresh.name, foreign.name])


def test_a_running_writers_temporary_is_kept_and_a_dead_ones_removed(tmp_path):
    target = tmp_path / "master.xlsx"
    mine = tmp_path / temporary_name(target.name)  # this process: still running
    dead = tmp_path / temporary_name(target.name).replace(f"-{os.getpid()}-", "-999999999-")
    mine.write_bytes(b"in progress")
    dead.write_bytes(b"half")
    assert remove_stale_temporaries(target) == [dead]
    assert mine.exists()
