"""Hostile and broken input folders: links out of the folder, unreadable files and folders, odd names.

Tests run as root in CI, and root reads a chmod 000 file anyway. The permission tests therefore
drop to the `nobody` user in a forked child when run as root (a real denial, no mock), and a
second test simulates the denial with a patched `os.open` / `os.scandir` so it runs anywhere.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests import corpus
from tests.conftest import sha256
from xlplan.app.check import check_paths
from xlplan.app.inputs import collect_inputs, scan_inputs
from xlplan.cli.main import cli


def run_check(*paths: Path) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(cli, ["check", "--json", *map(str, paths)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, json.loads(result.stdout)["files"]


def by_name(reports: list[dict], root: Path) -> dict[str, list[tuple[str, str]]]:
    return {
        str(Path(r["path"]).relative_to(root)): [(f["code"], f["severity"]) for f in r["findings"]] for r in reports
    }


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """returned/ with one good workbook; outside/ beside it with another section's file."""
    returned = tmp_path / "returned"
    returned.mkdir()
    (returned / "情報統計課.xlsx").write_bytes(corpus.base_workbook())
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "人事課_秘.xlsx").write_bytes(corpus.base_workbook())
    return returned


def test_links_out_of_the_folder_are_reported_and_never_followed(folder, monkeypatch):
    secret = folder.parent / "outside" / "人事課_秘.xlsx"
    (folder / "近道.xlsx").symlink_to(secret)
    (folder / "etc").symlink_to("/etc")
    (folder / "別フォルダ").symlink_to(folder.parent / "outside")
    before = sha256(secret)
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(
        "xlplan.io.xlsx.limits.os.open", lambda p, *a, **k: opened.append(str(p)) or real_open(p, *a, **k)
    )

    code, reports = run_check(folder)

    assert code == 1
    assert by_name(reports, folder) == {
        "etc": [("symlink-outside", "error")],
        "情報統計課.xlsx": [],
        "別フォルダ": [("symlink-outside", "error")],
        "近道.xlsx": [("symlink-outside", "error")],
    }
    [link] = [r for r in reports if r["path"].endswith("近道.xlsx")]
    assert str(secret) in link["findings"][0]["message"]
    assert opened == [str(folder / "情報統計課.xlsx")]  # the secret was never opened
    assert sha256(secret) == before


def test_links_inside_the_folder_are_read_once(folder):
    (folder / "写し.xlsx").symlink_to(folder / "情報統計課.xlsx")
    (folder / "sub").mkdir()
    (folder / "sub" / "上へ").symlink_to(folder)  # a loop: never descended into
    assert collect_inputs([folder]) == [folder / "写し.xlsx"]  # one file, under the first name
    _, reports = run_check(folder)
    assert len(reports) == 1


def test_a_broken_link_is_reported(folder):
    (folder / "消えた.xlsx").symlink_to(folder / "存在しない.xlsx")
    _, reports = run_check(folder)
    assert by_name(reports, folder)["消えた.xlsx"] == [("file-unreadable", "error")]
    [broken] = [r for r in reports if r["path"].endswith("消えた.xlsx")]
    assert "リンク先がありません" in broken["findings"][0]["message"]


def test_a_file_named_on_the_command_line_is_followed_even_if_it_is_a_link(folder):
    link = folder.parent / "直接.xlsx"
    link.symlink_to(folder.parent / "outside" / "人事課_秘.xlsx")
    code, [report] = run_check(link)
    assert code == 0 and report["findings"] == []  # the user named it: their choice


def test_japanese_names_in_nfc_and_nfd_are_two_files_both_read(tmp_path):
    folder = tmp_path / "returned"
    folder.mkdir()
    name = "デジタル化推進課_ガバメント.xlsx"
    nfc, nfd = unicodedata.normalize("NFC", name), unicodedata.normalize("NFD", name)
    assert nfc != nfd
    for variant in (nfc, nfd):
        (folder / variant).write_bytes(corpus.base_workbook())
    code, reports = run_check(folder)
    assert code == 0
    assert sorted(Path(r["path"]).name for r in reports) == sorted([nfc, nfd])
    assert all(r["findings"] == [] for r in reports)


def test_a_name_that_is_not_utf8_is_read(tmp_path):
    folder = tmp_path / "returned"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/" + "情報統計課.xlsx".encode("cp932")  # unzipped from a Windows archive
    with open(raw, "wb") as handle:
        handle.write(corpus.base_workbook())
    code, [report] = run_check(folder)
    assert code == 0 and report["findings"] == []


@pytest.fixture
def shared_tree() -> Iterator[Path]:
    """A world-readable tree (pytest's own tmp dir is private to root): good, denied file, denied folder."""
    root = Path(tempfile.mkdtemp(prefix="xlplan-perm-"))
    try:
        root.chmod(0o755)
        folder = root / "returned"
        folder.mkdir(mode=0o755)
        (folder / "a_good.xlsx").write_bytes(corpus.base_workbook())
        (folder / "a_good.xlsx").chmod(0o644)
        (folder / "b_denied.xlsx").write_bytes(corpus.base_workbook())
        (folder / "b_denied.xlsx").chmod(0o000)
        (folder / "c_locked").mkdir()
        (folder / "c_locked" / "x.xlsx").write_bytes(corpus.base_workbook())
        (folder / "c_locked").chmod(0o000)
        yield folder
    finally:
        for path in (root / "returned" / "c_locked", root / "returned" / "b_denied.xlsx"):
            path.chmod(0o755)
        shutil.rmtree(root)


def _check_as_nobody(folder: Path) -> list[tuple[str, list[str]]]:
    """check_paths in a child that dropped root for `nobody` (no mock: the kernel says no)."""
    nobody = pwd.getpwnam("nobody")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            found = [(c.book.path, [f.code.value for f in c.report.findings]) for c in check_paths([folder])]
            os.write(write_end, json.dumps(found).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return [(Path(p).name, codes) for p, codes in json.loads(data)]


def test_unreadable_files_and_folders_are_reported(shared_tree):
    before = {p: p.stat().st_mode for p in shared_tree.rglob("*") if p.name != "x.xlsx"}
    if os.geteuid() == 0:
        found = _check_as_nobody(shared_tree)
    else:
        found = [
            (Path(c.book.path).name, [f.code.value for f in c.report.findings]) for c in check_paths([shared_tree])
        ]
    assert found == [
        ("a_good.xlsx", []),
        ("b_denied.xlsx", ["permission-denied"]),
        ("c_locked", ["permission-denied"]),
    ]
    assert {p: p.stat().st_mode for p in before} == before  # nothing was chmod-ed back or "fixed"


def test_permission_denied_simulated(folder, monkeypatch):
    """The same findings without root tricks: os.open and os.scandir refuse two paths."""
    (folder / "locked").mkdir()
    (folder / "locked" / "x.xlsx").write_bytes(b"")
    denied = folder / "情報統計課.xlsx"
    real_open, real_scandir = os.open, os.scandir

    def fake_open(path, *args, **kwargs):
        if Path(path) == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    def fake_scandir(path="."):
        if Path(path) == folder / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr("xlplan.io.xlsx.limits.os.open", fake_open)
    monkeypatch.setattr(os, "scandir", fake_scandir)
    items = scan_inputs([folder])
    assert [(i.path.name, i.refused.code if i.refused else None) for i in items] == [
        ("locked", "permission-denied"),
        ("情報統計課.xlsx", None),
    ]
    code, reports = run_check(folder)
    assert code == 1
    assert by_name(reports, folder) == {
        "locked": [("permission-denied", "error")],
        "情報統計課.xlsx": [("permission-denied", "error")],
    }
    assert "Permission denied" in reports[1]["findings"][0]["message"]
