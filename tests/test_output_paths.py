"""Output paths a user may give: over an input (however spelled), too long, a file for a folder, odd bytes.

Every refusal is one Japanese message without a traceback, and leaves the inputs byte-identical.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from tests.consolidate_helpers import sample_sections
from xlplan.cli.main import cli
from xlplan.io.atomic import atomic_directory, remove_stale_temporaries, temporary_name
from xlplan.rules import __file__ as rules_package


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding two returned workbooks (returned/), their master, a rules file, a roster."""
    root = tmp_path_factory.mktemp("inputs")
    (root / "returned").mkdir()
    for path in sorted(sample_sections(tmp_path_factory).iterdir())[:2]:
        shutil.copy(path, root / "returned")
    result = run("consolidate", root / "returned", "-o", root / "master.xlsx")
    assert result.exit_code in (0, 1), result.output
    shutil.copy(Path(rules_package).parent / "akita.toml", root / "rules.toml")
    (root / "roster.txt").write_text("デジタル化推進本部\n", encoding="utf-8")
    changes_book = root / "changes" / "改訂資料_第2.1版.xlsx"
    changes = run("revise", root / "master.xlsx", "--changes-template", "-o", changes_book)
    assert changes.exit_code == 0, changes.output
    return root


def tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): digest(p) for p in root.rglob("*") if p.is_file()}


def first_section(root: Path) -> Path:
    return sorted((root / "returned").iterdir())[0]


def refused(result: Result, code: int, *words: str) -> None:
    assert result.exit_code == code, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stderr.startswith("エラー: ")
    for word in words:
        assert word in result.stderr, result.stderr


# -- never over an input ----------------------------------------------------------------------------

OVER_AN_INPUT = {
    "template --from M -o M": lambda r: [
        "template",
        "--from",
        r / "master.xlsx",
        "--section",
        "デジタル化推進本部",
        "-o",
        r / "master.xlsx",
    ],
    "consolidate --roster R -o R": lambda r: [
        "consolidate",
        r / "returned",
        "--roster",
        r / "roster.txt",
        "-o",
        r / "roster.txt",
    ],
    "consolidate --rules X -o X": lambda r: [
        "consolidate",
        r / "returned",
        "--rules",
        r / "rules.toml",
        "-o",
        r / "rules.toml",
    ],
    "consolidate --previous P -o P": lambda r: [
        "consolidate",
        r / "returned",
        "--previous",
        r / "master.xlsx",
        "-o",
        r / "master.xlsx",
    ],
    "grade F -o R --rules R": lambda r: [
        "grade",
        first_section(r),
        "-o",
        r / "rules.toml",
        "--rules",
        r / "rules.toml",
    ],
    "revise --changes DIR/x -o DIR": lambda r: [
        "revise",
        r / "master.xlsx",
        "--changes",
        r / "changes" / "改訂資料_第2.1版.xlsx",
        "-o",
        r / "changes",
    ],
    "revise M -o folder of M": lambda r: ["revise", r / "master.xlsx", "-o", r],
    "revise M -o an ancestor of M": lambda r: ["revise", r / "master.xlsx", "-o", r.parent],
    "revise --changes-template -o M": lambda r: [
        "revise",
        r / "master.xlsx",
        "--changes-template",
        "-o",
        r / "master.xlsx",
    ],
    "report M -o folder of M": lambda r: ["report", r / "master.xlsx", "-o", r, "--no-pdf"],
    "report --previous P -o folder of P": lambda r: [
        "report",
        r / "master.xlsx",
        "--previous",
        r / "changes" / "改訂資料_第2.1版.xlsx",
        "-o",
        r / "changes",
        "--no-pdf",
    ],
    "consolidate via ..": lambda r: [
        "consolidate",
        r / "returned",
        "--previous",
        r / "master.xlsx",
        "-o",
        r / "returned" / ".." / "master.xlsx",
    ],
    "revise via ..": lambda r: ["revise", r / "master.xlsx", "-o", r / "returned" / ".."],
}


@pytest.mark.parametrize("case", list(OVER_AN_INPUT))
def test_no_command_writes_over_an_input_or_into_its_folder(case, inputs):
    before = tree(inputs.parent)
    refused(run(*OVER_AN_INPUT[case](inputs)), 2, "入力", "-o で指定してください")
    assert tree(inputs.parent) == before


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_a_symlink_or_a_hard_link_to_an_input_is_the_input(inputs, tmp_path):
    before = tree(inputs)
    (tmp_path / "link.xlsx").symlink_to(inputs / "master.xlsx")
    os.link(inputs / "rules.toml", tmp_path / "hard.toml")  # as another case of the name is, where case is ignored
    (tmp_path / "folder").symlink_to(inputs, target_is_directory=True)
    args = ["consolidate", inputs / "returned", "--previous", inputs / "master.xlsx", "-o", tmp_path / "link.xlsx"]
    refused(run(*args), 2, "入力ファイルと同じ")
    refused(run("consolidate", inputs / "returned", "--rules", inputs / "rules.toml", "-o", tmp_path / "hard.toml"), 2)
    refused(run("revise", inputs / "master.xlsx", "-o", tmp_path / "folder"), 2, "入力のないフォルダ")
    assert tree(inputs) == before


# -- paths that cannot be written ---------------------------------------------------------------


def test_a_245_byte_name_is_written_and_a_256_byte_one_refused(inputs, tmp_path):
    """Legal names of any length get a temporary name within the 255-byte limit."""
    name = "あ" * 80 + ".xlsx"  # 245 bytes
    assert len(name.encode()) == 245
    for args in (
        ["template", "-o", tmp_path / name],
        ["grade", first_section(inputs), "-o", tmp_path / "g" / name],
        ["consolidate", inputs / "returned", "-o", tmp_path / "c" / name],
    ):
        result = run(*args)
        assert result.exit_code in (0, 1), result.output
        assert Path(args[-1]).is_file()
        assert [p.name for p in Path(args[-1]).parent.iterdir()] == [name]
    too_long = "あ" * 84 + ".xlsx"  # 257 bytes
    refused(run("template", "-o", tmp_path / "x" / too_long), 3, "名前が長すぎます", "255バイト")
    assert not (tmp_path / "x").exists()  # the folder made for it is removed again


def test_temporary_names_stay_within_the_limit_whatever_the_name():
    for name in ("a", "あ" * 85, "b" * 255, os.fsdecode(b"bad\xff\xfe" * 50)):
        tmp = temporary_name(name)
        assert len(os.fsencode(tmp)) <= 255
        assert tmp.startswith(".") and tmp.endswith(".tmp")


def test_a_file_where_a_folder_is_wanted_and_the_other_way_round(inputs, tmp_path):
    (tmp_path / "file").write_bytes(b"mine")
    refused(run("revise", inputs / "master.xlsx", "-o", tmp_path / "file"), 3, str(tmp_path / "file"))
    refused(
        run("report", inputs / "master.xlsx", "-o", tmp_path / "file" / "sub", "--no-pdf"), 3, "file はフォルダではなく"
    )
    refused(run("consolidate", inputs / "returned", "-o", tmp_path / "file" / "m.xlsx"), 3, "ファイルです")
    assert (tmp_path / "file").read_bytes() == b"mine"


def test_a_folder_holding_files_of_the_users_is_never_replaced(inputs, tmp_path):
    out = tmp_path / "報告"
    out.mkdir()
    (out / "memo.docx").write_bytes(b"the user's")
    refused(run("report", inputs / "master.xlsx", "-o", out, "--no-pdf"), 3, "memo.docx", "空のフォルダ")
    assert [p.name for p in out.iterdir()] == ["memo.docx"]
    assert [p.name for p in tmp_path.iterdir()] == ["報告"]


def test_a_previous_output_folder_is_replaced_whole(inputs, tmp_path):
    out = tmp_path / "報告"
    assert run("report", inputs / "master.xlsx", "-o", out, "--no-pdf").exit_code == 0
    (out / "report.html").write_text("stale", encoding="utf-8")
    assert run("report", inputs / "master.xlsx", "-o", out, "--no-pdf").exit_code == 0
    assert (out / "report.html").read_text(encoding="utf-8") != "stale"
    assert [p.name for p in tmp_path.iterdir()] == ["報告"]


def test_a_folder_moved_aside_by_a_killed_run_comes_back(tmp_path):
    """Where the two folders cannot be exchanged in one step, a kill between the two renames is repaired."""
    target = tmp_path / "out"
    aside = tmp_path / temporary_name("out", "old").replace(f"-{os.getpid()}-", "-999999999-")
    aside.mkdir()
    (aside / "report.html").write_text("previous", encoding="utf-8")
    remove_stale_temporaries(target)
    assert (target / "report.html").read_text(encoding="utf-8") == "previous"
    with atomic_directory(target) as work:
        (work / "report.html").write_text("new", encoding="utf-8")
    assert (target / "report.html").read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


# -- names the OS gives that are not UTF-8 ----------------------------------------------------------


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="these file systems store names as Unicode")
def test_a_returned_file_whose_name_is_not_utf8_is_shown_and_written_with_replacement_characters(inputs, tmp_path):
    folder = tmp_path / "returned"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/bad\xff\xfe.xlsx"
    shutil.copy(first_section(inputs), raw)
    before = digest(Path(os.fsdecode(raw)))
    master = tmp_path / "master.xlsx"
    result = run("consolidate", folder, "-o", master)
    assert result.exit_code in (0, 1), (result.output, result.exception)
    texts = [
        str(value)
        for sheet in openpyxl.load_workbook(master, read_only=True).worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert any("bad\ufffd\ufffd.xlsx" in text for text in texts)
    shown = run("consolidate", folder, "-o", tmp_path / "again.xlsx", "--json")
    assert shown.exit_code in (0, 1), (shown.output, shown.exception)
    assert "bad\ufffd\ufffd.xlsx" in shown.stdout
    assert digest(Path(os.fsdecode(raw))) == before
