"""Faults on the output side, for every writing command: one Japanese message, exit 3, nothing half-made.

Each command writes into a read-only folder and into a full one, twice over: on a real file
system (a read-only tmpfs and a 256 KiB tmpfs, where this machine lets the test mount them) and
by an injected writer (`tests.faults`: EROFS at the first write; ENOSPC or EACCES at the Nth).
Every case asserts exit 3, a message naming the output, no traceback, inputs byte-identical,
and nothing written; the injected full disk strikes half-way through a second run, so the
first run's output must also come through byte-identical.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.consolidate_helpers import sample_sections
from tests.faults import inject_fault
from xlplan.cli.main import cli
from xlplan.rules import __file__ as rules_package


@dataclass(frozen=True)
class World:
    """The inputs every command reads: returned workbooks, their master, a rules file."""

    root: Path
    sections: Path
    master: Path
    section_file: Path
    section_name: str
    rules: Path

    def digests(self) -> dict[Path, str]:
        return tree_digests(self.root)


def tree_digests(folder: Path) -> dict[Path, str]:
    """Every file under `folder` (hidden ones too) and its SHA-256."""
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("inputs")
    (root / "returned").mkdir()
    written = [Path(shutil.copy(p, root / "returned")) for p in sorted(sample_sections(tmp_path_factory).iterdir())[:2]]
    master = root / "master.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(root / "returned"), "-o", str(master)])
    assert result.exit_code in (0, 1), result.output
    rules = root / "rules.toml"
    shutil.copy(Path(rules_package).parent / "akita.toml", rules)
    section = written[0].stem.split("_", 1)[1]
    return World(root, root / "returned", master, written[0], section, rules)


# command → its arguments, writing under `out`
COMMANDS: dict[str, Callable[[World, Path], list[str]]] = {
    "template": lambda w, out: ["template", "-o", str(out / "様式.xlsx")],
    "template --from": lambda w, out: [
        "template",
        "--from",
        str(w.master),
        "--section",
        w.section_name,
        "-o",
        str(out / "様式.xlsx"),
    ],
    "consolidate": lambda w, out: [
        "consolidate",
        str(w.sections),
        "-o",
        str(out / "master.xlsx"),
        "--rules",
        str(w.rules),
    ],
    "grade -o": lambda w, out: ["grade", str(w.section_file), "-o", str(out / "評価.xlsx"), "--rules", str(w.rules)],
    "revise": lambda w, out: ["revise", str(w.master), "-o", str(out / "改訂"), "--rules", str(w.rules)],
    "revise --changes-template": lambda w, out: [
        "revise",
        str(w.master),
        "--changes-template",
        "-o",
        str(out / "変更.xlsx"),
    ],
    "report": lambda w, out: ["report", str(w.master), "-o", str(out / "報告"), "--no-pdf", "--rules", str(w.rules)],
    "demo": lambda w, out: ["demo", "-o", str(out / "demo"), "--no-pdf"],
    "excel init": lambda w, out: ["excel", "init", str(out / "hq"), "--force"],
}
SLOW = {"demo"}  # its whole run takes close to a minute: only faults that strike early


def run(args: list[str]) -> Result:
    return CliRunner().invoke(cli, args)


def assert_refused_cleanly(result: Result, world: World, inputs: dict[Path, str], reason: str) -> None:
    """Exit 3, one message naming the output and the reason, no traceback, inputs as they were."""
    assert result.exit_code == 3, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stderr.startswith("エラー: 出力先 ") and reason in result.stderr, result.stderr
    assert "何も書き出していません" in result.stderr
    assert world.digests() == inputs


# -- real file systems: a read-only and a full tmpfs -------------------------------------------


@contextlib.contextmanager
def tmpfs(mountpoint: Path, options: str) -> Iterator[Path]:
    """A tmpfs mounted at `mountpoint` (skips the test where mounting is not allowed)."""
    mountpoint.mkdir()
    if not sys.platform.startswith("linux") or not shutil.which("mount"):
        pytest.skip("no tmpfs to mount here")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mountpoint)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not allowed here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


@pytest.mark.parametrize(
    ("options", "reason"),
    [("ro,size=1m", "読み取り専用の場所です"), ("size=8k", "ディスクの空きが足りません")],
    ids=["read-only", "full"],
)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_read_only_or_full_file_system(command, options, reason, world, tmp_path):
    inputs = world.digests()
    with tmpfs(tmp_path / "mnt", options) as mounted:
        result = run(COMMANDS[command](world, mounted))
        assert_refused_cleanly(result, world, inputs, reason)
        assert list(mounted.iterdir()) == []  # nothing half-written, not even a temporary


# -- the injected writer -------------------------------------------------------------------------


@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_injected_read_only_folder(command, world, tmp_path):
    inputs = world.digests()
    out = tmp_path / "out"
    out.mkdir()
    with inject_fault(out, errno.EROFS, at=1) as fault:
        result = run(COMMANDS[command](world, out))
    assert fault.raised
    assert_refused_cleanly(result, world, inputs, "読み取り専用の場所です")
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("command", "code", "reason"),
    [(c, errno.ENOSPC, "ディスクの空きが足りません") for c in COMMANDS]
    + [("report", errno.EACCES, "書き込む権限がありません")],
)
def test_an_injected_fault_half_way_keeps_the_previous_output(command, code, reason, world, tmp_path):
    """A second run fails half-way through its writes: the first run's output comes through intact."""
    out = tmp_path / "out"
    out.mkdir()
    args = COMMANDS[command](world, out)
    if command in SLOW:
        at = 40  # early in the first run: no previous output to keep
    else:
        with inject_fault(out, code, at=0) as counted:  # at=0: count the write events of a clean run
            first = run(args)
        assert first.exit_code in (0, 1), first.output
        at = max(1, counted.events // 2)
    previous, inputs = tree_digests(out), world.digests()
    with inject_fault(out, code, at=at) as fault:
        result = run(args)
    assert fault.raised
    assert_refused_cleanly(result, world, inputs, reason)
    assert tree_digests(out) == previous
    assert all(not name.startswith(".") for name in os.listdir(out))  # no temporary left behind


def test_a_fault_at_any_of_the_last_writes_of_excel_init_keeps_both_previous_files(world, tmp_path):
    """Found by `scripts/fuzz.py --output-faults`: a fault while syncing the second file left a new
    workbook beside the old module. Both are now on disk before either replaces its target."""
    out = tmp_path / "out"
    out.mkdir()
    args = COMMANDS["excel init"](world, out)
    with inject_fault(out, errno.EDQUOT, at=0) as counted:
        assert run(args).exit_code == 0
    previous, inputs = tree_digests(out), world.digests()
    for at in range(max(1, counted.events - 4), counted.events + 1):
        with inject_fault(out, errno.EDQUOT, at=at):
            result = run(args)
        assert_refused_cleanly(result, world, inputs, "ディスクの使用量の上限です")
        assert tree_digests(out) == previous, at


@pytest.mark.parametrize("command", [c for c in COMMANDS if c not in SLOW])
def test_ctrl_c_half_way_is_exit_130_and_keeps_the_previous_output(command, world, tmp_path):
    """Ctrl-C during the writes of a second run: exit 130, a line saying so, the first run's output intact."""
    out = tmp_path / "out"
    out.mkdir()
    args = COMMANDS[command](world, out)
    with inject_fault(out, 0, at=0) as counted:  # count the write events of a clean run
        assert run(args).exit_code in (0, 1)
    previous, inputs = tree_digests(out), world.digests()
    with inject_fault(out, 0, at=max(1, counted.events // 2), interrupt=True) as fault:
        result = run(args)
    assert fault.raised == 1
    assert result.exit_code == 130, (result.output, result.exception)
    assert "Traceback" not in result.output
    said = "中断しました。書きかけのファイルは残していません（前回の出力はそのままです）。もう一度実行してください。"
    assert result.stderr.strip().endswith(said)
    assert world.digests() == inputs
    assert tree_digests(out) == previous
    assert all(not name.startswith(".") for name in os.listdir(out))  # no temporary left behind
